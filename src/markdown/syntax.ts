/**
 * The parser side of the site's Markdown stack, for tools that read pages outside Astro.
 *
 * Astro's unified processor parses with remark-parse + remark-gfm, @astrojs/mdx adds
 * remark-mdx, Astro reads frontmatter (kept here as a node so positions stay exact) and
 * Starlight adds remark-directive. `remarkSnippets` then runs exactly as on the site.
 */
import remarkDirective from 'remark-directive';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import { unified, type Processor } from 'unified';
import type { Root } from 'mdast';
import type { AnnotationOptions } from './annotations.ts';
import { remarkSnippets } from './remark-snippets.ts';

/** Processors by syntax and options: made once (combining the syntax extensions is not cheap), then frozen and shared. */
const processors = new Map<string, Processor<Root, Root, Root>>();

export function pageProcessor(path: string, options: AnnotationOptions): Processor<Root, Root, Root> {
  const mdx = path.endsWith('.mdx');
  const key = JSON.stringify([mdx, options]);
  let processor = processors.get(key);
  if (!processor) {
    const made = unified().use(remarkParse).use(remarkFrontmatter, ['yaml', 'toml']).use(remarkGfm);
    if (mdx) made.use(remarkMdx);
    processor = made.use(remarkDirective).use(remarkSnippets, { ...options }).freeze() as unknown as Processor<Root, Root, Root>;
    processors.set(key, processor);
  }
  return processor;
}
