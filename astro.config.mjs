// @ts-check
import { defineConfig } from 'astro/config';
import { unified } from '@astrojs/markdown-remark';
import starlight from '@astrojs/starlight';
import { remarkSnippets } from './src/markdown/remark-snippets.ts';
import { verifiedSnippets } from './src/lib/starlight-verified-snippets.ts';

export default defineConfig({
  site: 'https://example.org',
  markdown: {
    // Astro 7's default engine (Satteri) runs no remark plugins; the verifier and the site
    // share one remark stack, so the site uses the unified processor.
    processor: unified({ remarkPlugins: [[remarkSnippets, { strict: true }]] }),
  },
  integrations: [
    starlight({
      title: 'Kernel modules with Nix',
      description: 'Package an out-of-tree Linux kernel module for NixOS, with every Nix snippet checked by real Nix.',
      // Marks under code blocks, whole-file views, flake downloads (src/lib, src/components).
      plugins: [verifiedSnippets()],
    }),
  ],
});
