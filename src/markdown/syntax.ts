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

export function pageProcessor(path: string, options: AnnotationOptions): Processor<Root, Root, Root> {
  const processor = unified().use(remarkParse).use(remarkFrontmatter, ['yaml', 'toml']).use(remarkGfm);
  if (path.endsWith('.mdx')) processor.use(remarkMdx);
  return processor.use(remarkDirective).use(remarkSnippets, options) as unknown as Processor<Root, Root, Root>;
}
