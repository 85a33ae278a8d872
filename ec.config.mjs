// @ts-check
/**
 * Expressive Code options that are not plain data, so that Starlight's `<Code>` component can
 * use them too (astro-expressive-code reads this file for both). The serializable options are
 * in astro.config.mjs and src/lib/starlight-verified-snippets.ts.
 */
import { fileURLToPath } from 'node:url';
import { defineEcConfig } from '@astrojs/starlight/expressive-code';
import { ecVerifiedSnippets } from './src/lib/ec-verified-snippets.ts';

export default defineEcConfig({
  // Command blocks copy their commands only; expected failures are framed as wrong code.
  plugins: [ecVerifiedSnippets({ verifyDir: fileURLToPath(new URL('./.verify/', import.meta.url)) })],
});
