/** The URLs the site gives to the verification page, blocks, flakes and downloads. */
import type { BlockReport } from '../../scripts/verifier/types.ts';
import { blockAnchor, flakeAnchor } from './mark-text.ts';

/** A site-relative URL, honouring Astro's `base`. */
export function siteUrl(path: string): string {
  return `${import.meta.env.BASE_URL.replace(/\/$/, '')}/${path.replace(/^\//, '')}`;
}

export const VERIFICATION_PAGE = 'verification/';

export function blockUrl(block: Pick<BlockReport, 'page' | 'line'>): string {
  return `${siteUrl(VERIFICATION_PAGE)}#${blockAnchor(block)}`;
}

export function flakeUrl(name: string): string {
  return `${siteUrl(VERIFICATION_PAGE)}#${flakeAnchor(name)}`;
}

export function archiveName(flake: string): string {
  return `${flake}.tar.gz`;
}

export function downloadUrl(flake: string): string {
  return siteUrl(`downloads/${archiveName(flake)}`);
}

