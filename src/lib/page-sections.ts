/**
 * The section each line of a guide page is in: the text of the nearest heading above it, read
 * with the site's own parser stack (src/markdown/syntax.ts). Lets the site name where a block
 * is ("in “Build the package for your kernel”") instead of an MDX line number.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Heading, Nodes } from 'mdast';
import { visit } from 'unist-util-visit';
import { pageProcessor } from '../markdown/syntax.ts';

export interface PageHeading {
  line: number;
  depth: number;
  text: string;
}

/** Headings of a page's source, in order. Pure. */
export function pageHeadings(path: string, source: string): PageHeading[] {
  const processor = pageProcessor(path, { strict: false });
  const tree = processor.runSync(processor.parse(source));
  const headings: PageHeading[] = [];
  visit(tree, 'heading', (node: Heading) => {
    headings.push({ line: node.position?.start.line ?? 0, depth: node.depth, text: plainText(node) });
  });
  return headings;
}

/** The heading a line is under, or undefined above the first one. Pure. */
export function sectionAt(headings: PageHeading[], line: number): PageHeading | undefined {
  return headings.findLast((h) => h.line < line);
}

const cache = new Map<string, { mtimeMs: number; headings: PageHeading[] }>();

/** The headings of `page` (relative to `root`), read from disk and cached per modification time. */
export function headingsOf(root: string, page: string): PageHeading[] {
  const path = join(root, page);
  const { mtimeMs } = statSync(path);
  const cached = cache.get(path);
  if (cached?.mtimeMs === mtimeMs) return cached.headings;
  const headings = pageHeadings(path, readFileSync(path, 'utf8'));
  cache.set(path, { mtimeMs, headings });
  return headings;
}

function plainText(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string' && (node.type === 'text' || node.type === 'inlineCode')) return node.value;
  return 'children' in node ? (node.children as Nodes[]).map(plainText).join('') : '';
}
