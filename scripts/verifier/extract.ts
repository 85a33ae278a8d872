/**
 * Extraction: the code blocks of one page, with exact positions and parsed annotations.
 * Pure: it takes the page's text, and parses it with the site's own remark stack.
 */
import type { Code } from 'mdast';
import { visit } from 'unist-util-visit';
import { VFile } from 'vfile';
import { pageProcessor } from '../../src/markdown/syntax.ts';
import { normaliseLineEnds } from './line-ends.ts';
import type { Block, Diagnostic } from './types.ts';

export interface Extraction {
  blocks: Block[];
  diagnostics: Diagnostic[];
}

/**
 * Finds every fenced code block of a Markdown/MDX page.
 * `strict`: an unannotated `nix` block is an error (the guide) instead of a lint target.
 * Line ends are read as `\n` whatever they are (CRLF, CR); lines and columns do not change.
 */
export function extractBlocks(page: string, source: string, options: { strict: boolean }): Extraction {
  const text = normaliseLineEnds(source);
  const processor = pageProcessor(page, options);
  const file = new VFile({ path: page, value: text });
  let tree;
  try {
    tree = processor.runSync(processor.parse(file), file);
  } catch (error) {
    return { blocks: [], diagnostics: [syntaxDiagnostic(page, error)] };
  }

  const blocks: Block[] = [];
  const diagnostics: Diagnostic[] = [];
  visit(tree, 'code', (node: Code) => {
    const snippet = node.data?.snippet;
    const start = node.position?.start;
    if (!snippet || !start) return;
    if (snippet.annotation.role === 'ignored' && snippet.problems.length === 0) return;
    const id = `${page}:${start.line}`;
    for (const reason of snippet.problems) {
      diagnostics.push({
        reason,
        file: page,
        place: { line: start.line, column: start.column },
        ruleId: 'annotation',
        blockId: id,
        fatal: true,
      });
    }
    if (snippet.annotation.role === 'ignored') return;
    blocks.push({
      id,
      page,
      start: { line: start.line, column: start.column },
      codeLine: start.line + 1,
      codeColumn: start.column,
      lang: node.lang ?? '',
      meta: node.meta ?? '',
      code: node.value,
      annotation: snippet.annotation,
    });
  });
  return { blocks, diagnostics };
}

/** remark-mdx reports broken MDX as a VFileMessage with a place; keep it. */
function syntaxDiagnostic(page: string, error: unknown): Diagnostic {
  const message = error as { reason?: string; message?: string; line?: number; column?: number };
  const place = message.line ? { line: message.line, column: message.column ?? 1 } : undefined;
  return {
    reason: `The page could not be parsed: ${message.reason ?? message.message ?? String(error)}`,
    file: page,
    ...(place ? { place } : {}),
    ruleId: 'markdown',
    fatal: true,
  };
}
