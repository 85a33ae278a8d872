/**
 * Reading pages from disk: what the verifier refuses to read, and why, before the pure
 * parts see any text.
 *
 * - A symbolic link is refused: the site would publish the page it points to, but the
 *   verifier does not follow links, so its blocks would go unchecked.
 * - Bytes that are not UTF-8 are refused at their line, instead of being replaced silently.
 */
import { existsSync, lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Point } from './types.ts';

export type PageText =
  | { text: string }
  /** Why the page cannot be read; `place` is the line and column of the first bad byte. */
  | { problem: string; place?: Point };

const PAGE = /\.mdx?$/;

/**
 * The text of a page, or why it cannot be verified. Synchronously: for hundreds of small
 * pages, a few system calls each in a row are several times faster than as many queued on
 * libuv's thread pool.
 */
export function readPageText(path: string): PageText {
  let stats;
  try {
    stats = lstatSync(path);
  } catch (error) {
    return { problem: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such page.' : `The page cannot be read: ${(error as Error).message}.` };
  }
  if (stats.isSymbolicLink()) {
    let target = '?';
    try {
      target = readlinkSync(path);
    } catch {
      // Gone since: the link is refused all the same.
    }
    return {
      problem: `This page is a symbolic link (to \`${target}\`). The site would publish the page it points to, but the verifier does not follow links, so its blocks would go unchecked. Put the page itself here in place of the link, or name the file it points to.`,
    };
  }
  if (!stats.isFile()) return { problem: 'This is not a file: a page is a Markdown (.md) or MDX (.mdx) file.' };
  let bytes;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    return { problem: `The page cannot be read: ${(error as Error).message}.` };
  }
  return decodePage(bytes);
}

/** Strict UTF-8 decoding: the text, or the place of the first byte that is not UTF-8. Pure. */
export function decodePage(bytes: Uint8Array): PageText {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const place = firstInvalidByte(bytes);
    return {
      problem: `This page is not valid UTF-8: the byte at line ${place.line}, column ${place.column} is not part of a UTF-8 character. Save the page as UTF-8 (the site and Nix read it as UTF-8).`,
      place,
    };
  }
}

/**
 * Where the first invalid byte is. A newline byte is never part of a multi-byte UTF-8
 * sequence, so lines can be decoded one by one; within the bad line, the longest prefix that
 * decodes is found by bisection. Columns count UTF-16 code units, from 1.
 */
function firstInvalidByte(bytes: Uint8Array): Point {
  let start = 0;
  for (let line = 1; ; line++) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline === -1 ? bytes.length : newline;
    const lineBytes = bytes.subarray(start, end);
    if (!decodes(lineBytes, false)) {
      // A line may end in the middle of a character; then that is the bad byte.
      let good = decodes(lineBytes, true) ? lineBytes.length : 0;
      let bad = lineBytes.length;
      while (bad - good > 1) {
        const middle = (good + bad) >> 1;
        if (decodes(lineBytes.subarray(0, middle), true)) good = middle;
        else bad = middle;
      }
      const before = new TextDecoder('utf-8').decode(lineBytes.subarray(0, good), { stream: true });
      return { line, column: before.length + 1 };
    }
    if (newline === -1) return { line, column: 1 };
    start = newline + 1;
  }
}

/** Whether `bytes` is UTF-8; with `partial`, a sequence cut off at the end is allowed. */
function decodes(bytes: Uint8Array, partial: boolean): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: partial });
    return true;
  } catch {
    return false;
  }
}

/**
 * The pages under `dir` (`.md`, `.mdx`), as paths relative to `root`, sorted. Symbolic
 * links are listed too, so that `readPageText` can refuse them rather than skip them.
 */
export async function findPages(dir: string, root: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && PAGE.test(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}
