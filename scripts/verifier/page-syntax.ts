/**
 * Mistakes in a page's own syntax, each reported at the place the writer has to fix: YAML
 * frontmatter that does not parse, a code fence that is never closed, a JSX tag that is never
 * closed. Pure.
 */
// Astro's own frontmatter functions, which @astrojs/markdown-remark re-exports: from their own
// module they load in 10 ms, not the 250 ms (and 40 MB) of Shiki and the rest of the renderer.
// test/unit/page-syntax.test.ts checks they are the very functions Astro uses.
import { extractFrontmatter, parseFrontmatter } from '@astrojs/internal-helpers/frontmatter';
import type { Code } from 'mdast';
import type { Diagnostic, Point } from './types.ts';

/** Where Astro looks for frontmatter: at the start, after blank lines at most. */
const FRONTMATTER_START = /(?:^\uFEFF?|^\s*\n)(?:---|\+\+\+)/;

/**
 * The frontmatter as Astro reads it (its own parser: YAML between `---`, TOML between `+++`),
 * or where it fails to parse.
 */
export function frontmatterProblem(page: string, text: string): Diagnostic | undefined {
  if (extractFrontmatter(text) === undefined) return undefined;
  try {
    parseFrontmatter(text);
    return undefined;
  } catch (error) {
    const failure = error as { reason?: string; message?: string; mark?: { line: number; column: number }; line?: number; column?: number };
    const fence = FRONTMATTER_START.exec(text)?.[0] ?? '---';
    const before = fence.split('\n');
    // The parsers count from the end of the opening `---`: line 0 (YAML) or 1 (TOML) is its line.
    const start = { line: before.length, column: before.at(-1)!.length + 1 };
    const at = failure.mark ? { line: failure.mark.line, column: failure.mark.column + 1 } : failure.line ? { line: failure.line - 1, column: failure.column ?? 1 } : undefined;
    let place: Point = at ? { line: start.line + at.line, column: at.line === 0 ? start.column + at.column - 1 : at.column } : { line: start.line, column: 1 };
    const kind = fence.endsWith('+++') ? 'TOML' : 'YAML';
    const detail = (failure.reason ?? failure.message ?? String(error)).split('\n')[0]!.replace(/^Invalid TOML document: /, '');
    // A quote that is never closed is found only at the end of the frontmatter: the mistake is
    // where the quoted value starts, the first line with an odd number of that quote.
    const quote = /within a (double|single) quoted scalar/.exec(detail)?.[1];
    if (quote) {
      const mark = quote === 'double' ? '"' : "'";
      const lines = text.split('\n');
      const opened = lines.findIndex((line, i) => i + 1 > start.line && i + 1 < place.line && (line.split(mark).length - 1) % 2 === 1);
      if (opened !== -1) place = { line: opened + 1, column: lines[opened]!.indexOf(mark) + 1 };
    }
    return {
      reason: `The frontmatter is not valid ${kind}: ${detail}. The site cannot build this page until it is fixed.`,
      file: page,
      place,
      ruleId: 'markdown',
      fatal: true,
    };
  }
}

/**
 * A fenced code block whose closing fence is missing. Either it runs to the end of its
 * container (the page, a list item, a quote), or the next block's closing fence closed it:
 * then it holds that block's opening fence, a line that cannot be code of its own (a fence
 * of the same kind, as long, with a language). Undefined for a block that is closed.
 */
export function unclosedFence(page: string, text: string, node: Code): Diagnostic | undefined {
  const { start, end } = node.position ?? {};
  if (start?.offset === undefined || end?.offset === undefined) return undefined;
  const raw = text.slice(start.offset, end.offset);
  const opening = /^(`{3,}|~{3,})/.exec(raw)?.[1];
  if (!opening) return undefined; // an indented code block has no fences
  const fence = `\\${opening[0]}{${opening.length},}`;
  const lines = raw.split('\n');
  const closed = lines.length > 1 && new RegExp(`^[\\s>]*${fence}[ \\t]*$`).test(lines.at(-1)!);
  const inner = lines.slice(1, closed ? -1 : undefined).findIndex((line) => new RegExp(`^[\\s>]*${fence}[ \\t]*[^\\s${opening[0]}]`).test(line));
  if (closed && inner === -1) return undefined;
  const close = `Close it where its code ends, with a line of just ${opening}.`;
  const reason =
    inner === -1
      ? `This code fence is never closed, so everything after it, to the end of the page (or of the list or quote it is in), became part of its block. ${close}`
      : `This code fence is never closed: its block runs on over the fence at line ${start.line + 1 + inner}, and ends only where that block should. ${close}`;
  return { reason, file: page, place: { line: start.line, column: start.column }, ruleId: 'markdown', blockId: `${page}:${start.line}`, fatal: true };
}

/**
 * A page that remark or remark-mdx cannot parse, reported where the mistake is. An unclosed
 * JSX tag comes without a place; its position is in the message (`(3:1-3:8)`), and the tag
 * is what the writer has to close.
 */
export function syntaxProblem(page: string, error: unknown): Diagnostic {
  const message = error as { reason?: string; message?: string; line?: number; column?: number; ruleId?: string };
  const reason = message.reason ?? message.message ?? String(error);
  const tag = message.ruleId === 'end-tag-mismatch' ? /^Expected a closing tag for `<([^`\s>]*)[^`]*` \((\d+):(\d+)-/.exec(reason) : null;
  const place = tag ? { line: Number(tag[2]), column: Number(tag[3]) } : message.line ? { line: message.line, column: message.column ?? 1 } : undefined;
  const hint = tag ? ` Close it with \`</${tag[1]}>\`, or end it with \`/>\` if it has no children.` : '';
  return {
    reason: `The page could not be parsed: ${reason}${hint}`,
    file: page,
    ...(place ? { place } : {}),
    ruleId: 'markdown',
    fatal: true,
  };
}
