/** The verifier's report the site was built from, read independently of the site's code. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from '../../../scripts/verifier/types.ts';
import { VERIFY_DIR } from './site.ts';

export function readReport(): Report {
  return JSON.parse(readFileSync(join(VERIFY_DIR, 'report.json'), 'utf8')) as Report;
}

/** `src/content/docs/guide/simple.mdx` → `/guide/simple/`; `…/index.mdx` → `/`. */
export function pageUrl(page: string): string {
  const slug = page.replace(/^src\/content\/docs\//, '').replace(/\.mdx?$/, '').replace(/(^|\/)index$/, '');
  return slug ? `/${slug.toLowerCase()}/` : '/';
}

/** Blocks shown on site pages (the report may also cover files outside the site). */
export function siteBlocks(report: Report) {
  return report.blocks.filter((b) => b.page.startsWith('src/content/docs/'));
}
