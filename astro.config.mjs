// @ts-check
import { defineConfig } from 'astro/config';
import { unified } from '@astrojs/markdown-remark';
import starlight from '@astrojs/starlight';

export default defineConfig({
  site: 'https://example.org',
  markdown: {
    processor: unified({ remarkPlugins: [] }),
  },
  integrations: [
    starlight({
      title: 'Kernel modules with Nix',
    }),
  ],
});
