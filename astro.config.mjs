// @ts-check
import { defineConfig } from 'astro/config';
import { unified } from '@astrojs/markdown-remark';
import starlight from '@astrojs/starlight';
import { remarkSnippets } from './src/markdown/remark-snippets.ts';
import { rehypeStackedTables } from './src/lib/rehype-stacked-tables.ts';
import { verifiedSnippets } from './src/lib/starlight-verified-snippets.ts';
import { EDIT_BASE_URL, REPOSITORY_URL, SITE_URL } from './src/lib/project.ts';

export default defineConfig({
  // Canonical URLs, og:url and the sitemap; set in src/lib/project.ts (or $SITE_URL).
  site: SITE_URL,
  markdown: {
    // Astro 7's default engine (Satteri) runs no remark plugins; the verifier and the site
    // share one remark stack, so the site uses the unified processor.
    processor: unified({ remarkPlugins: [[remarkSnippets, { strict: true }]], rehypePlugins: [rehypeStackedTables] }),
  },
  integrations: [
    starlight({
      title: 'Kernel modules with Nix',
      description: 'Package an out-of-tree Linux kernel module for NixOS, with every Nix snippet checked by real Nix.',
      social: [{ icon: 'github', label: 'Source on GitHub', href: REPOSITORY_URL }],
      editLink: { baseUrl: EDIT_BASE_URL },
      lastUpdated: true,
      // Starlight announces a large image card by default; this site has no social image.
      head: [{ tag: 'meta', attrs: { name: 'twitter:card', content: 'summary' } }],
      expressiveCode: {
        // Long lines wrap, continuing at their own indentation, instead of scrolling sideways.
        defaultProps: { wrap: true, preserveIndent: true },
      },
      // Marks under code blocks, whole-file views, flake downloads (src/lib, src/components).
      plugins: [verifiedSnippets()],
    }),
  ],
});
