/**
 * The remark plugin that finds annotated code blocks. The site and the verifier both run
 * it, so what is rendered and what is verified are the same blocks: it attaches the parsed
 * annotation to each code node (`node.data.snippet`) and changes nothing else.
 */
import type { Code, Root } from 'mdast';
import { visit } from 'unist-util-visit';
import { parseAnnotation, type AnnotationOptions, type AnnotationResult } from './annotations.ts';

declare module 'mdast' {
  interface CodeData {
    snippet?: AnnotationResult;
  }
}

export function remarkSnippets(options: AnnotationOptions = { strict: true }) {
  return function transformer(tree: Root): void {
    visit(tree, 'code', (node: Code) => {
      node.data = { ...node.data, snippet: parseAnnotation(node.lang, node.meta, options) };
    });
  };
}
