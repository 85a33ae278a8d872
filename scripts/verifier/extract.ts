/**
 * Extraction: the code blocks of one page, with exact positions and parsed annotations.
 * Pure: it takes the page's text, and parses it with the site's own remark stack.
 */
import type { Code } from 'mdast';
import { visit } from 'unist-util-visit';
import { VFile } from 'vfile';
import { fenceLanguage, mystOptionLines } from '../../src/markdown/annotations.ts';
import { pageProcessor } from '../../src/markdown/syntax.ts';
import { normaliseLineEnds } from './line-ends.ts';
import { frontmatterProblem, syntaxProblem, unclosedFence } from './page-syntax.ts';
import type { Block, Diagnostic } from './types.ts';

export interface Extraction {
  blocks: Block[];
  diagnostics: Diagnostic[];
  /** The page could not be parsed at all: its blocks are unknown, not absent. */
  unparsed?: true;
}

/**
 * Finds every fenced code block of a Markdown/MDX page.
 * `strict`: an unannotated `nix` block is an error (the guide) instead of a lint target.
 * Line ends are read as `\n` whatever they are (CRLF, CR); lines and columns do not change.
 */
/** Processors by syntax and options, frozen and shared: making one (its syntax extensions) is not cheap. */
const processors = new Map<string, ReturnType<typeof pageProcessor>>();

function sharedProcessor(page: string, options: { strict: boolean }) {
  const key = JSON.stringify([page.endsWith('.mdx'), options.strict]);
  let processor = processors.get(key);
  if (!processor) processors.set(key, (processor = pageProcessor(page, options).freeze()));
  return processor;
}

export function extractBlocks(page: string, source: string, options: { strict: boolean }): Extraction {
  const text = normaliseLineEnds(source);
  const processor = sharedProcessor(page, options);
  const file = new VFile({ path: page, value: text });
  const diagnostics: Diagnostic[] = [];
  const frontmatter = frontmatterProblem(page, text);
  if (frontmatter) diagnostics.push(frontmatter);
  let tree;
  try {
    tree = processor.runSync(processor.parse(file), file);
  } catch (error) {
    return { blocks: [], diagnostics: [...diagnostics, syntaxProblem(page, error)], unparsed: true };
  }

  const blocks: Block[] = [];
  visit(tree, 'code', (node: Code) => {
    const snippet = node.data?.snippet;
    const start = node.position?.start;
    if (!snippet || !start) return;
    // A block that swallowed what follows it: the fence is the mistake, not the prose or code
    // after it. The block is kept, so that its slot does not look empty as well.
    const unclosed = unclosedFence(page, text, node);
    if (unclosed) diagnostics.push(unclosed);
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
    // A MyST directive (```{code-block} nix) names its language after it, and may open with
    // options (`:caption: default.nix`): the code starts after them.
    const fence = fenceLanguage(node.lang, node.meta);
    const options = fence.myst ? mystOptionLines(node.value) : 0;
    blocks.push({
      id,
      page,
      start: { line: start.line, column: start.column },
      codeLine: start.line + 1 + options,
      codeColumn: start.column,
      lang: fence.lang,
      meta: fence.meta,
      code: node.value.split('\n').slice(options).join('\n'),
      annotation: snippet.annotation,
    });
  });
  return { blocks, diagnostics };
}
