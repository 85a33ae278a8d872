/** The verifier's output as the site's components and routes see it. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getCollection } from 'astro:content';
import { root, verifyDir } from 'virtual:verified-snippets/context';
import type { BlockReport } from '../../scripts/verifier/types.ts';
import { snippetAnchor } from './mark-text.ts';
import { headingsOf, sectionAt } from './page-sections.ts';
import { siteUrl } from './urls.ts';
import { loadVerification, type Verification } from './verification.ts';

export function verification(): Verification {
  return loadVerification(verifyDir);
}

export interface PageInfo {
  url: string;
  title: string;
  /** The page's place in the sidebar: reading order. */
  order: number;
}

/** Repo-relative page path (`src/content/docs/simple.mdx`) → page URL, title and place in reading order. */
export async function pagesByPath(): Promise<Map<string, PageInfo>> {
  const entries = await getCollection('docs');
  return new Map(
    entries
      .filter((entry) => entry.filePath)
      .map((entry) => [
        entry.filePath!,
        {
          url: siteUrl(entry.id === 'index' ? '' : `${entry.id}/`),
          title: entry.data.title,
          order: entry.data.sidebar.order ?? Number.MAX_SAFE_INTEGER,
        },
      ]),
  );
}

/**
 * The declared checks of a flake as the verifier evaluates them (`src/flakes/NAME.checks.nix`,
 * see README.md), so readers can see what each claim means.
 */
export function checksSource(flake: string): { path: string; text: string } | undefined {
  const path = `src/flakes/${flake}.checks.nix`;
  const full = join(root, path);
  return existsSync(full) ? { path, text: readFileSync(full, 'utf8') } : undefined;
}

/** The heading a line of a page is under (`page` relative to the project root). */
export function sectionOf(page: string, line: number): string | undefined {
  return sectionAt(headingsOf(root, page), line)?.text;
}

/** Where a block is, for a link to it: its page, the section it is in and its anchor. */
export interface BlockLink {
  href: string;
  file: string | null;
  /** The heading the block is under; undefined above the first heading. */
  section: string | undefined;
  /** The title of the block's page; undefined when it is `fromPage`, the page the link is on. */
  page: string | undefined;
}

/**
 * A link to a block on its page, named by section heading and page title, never by MDX line
 * ("`flake.nix` in “Use it” on Packaging it simply"). Undefined when the block is on no page
 * of the site.
 */
export function blockLink(block: Pick<BlockReport, 'page' | 'line' | 'file'>, pages: Map<string, PageInfo>, fromPage?: string): BlockLink | undefined {
  const page = pages.get(block.page);
  if (!page) return undefined;
  return {
    href: `${page.url}#${snippetAnchor(block)}`,
    file: block.file,
    section: sectionOf(block.page, block.line),
    page: block.page === fromPage ? undefined : page.title,
  };
}
