/**
 * The Starlight plugin that shows readers how each snippet was verified. It only coordinates:
 *
 * - the remark plugin (./remark-verification-marks.ts) that puts a mark under every annotated
 *   code block, registered on the shared unified processor the way Starlight registers its own;
 * - the virtual module `virtual:verified-snippets/context`, which tells components where the
 *   verifier's output (`.verify/`) is;
 * - the stylesheet of marks, whole-file views and downloads;
 * - a sidebar link to the verification page (./sidebar-link.ts);
 * - the page title, followed on pages with checked blocks by what they were checked against
 *   (../components/PageTitle.astro);
 * - Expressive Code settings that make the copy button copy exactly the verified text. Its
 *   Expressive Code plugin (./ec-verified-snippets.ts), which copies commands without prompts
 *   or output and frames expected failures as wrong code, is registered in ec.config.mjs: it is
 *   not plain data, and Starlight's `<Code>` component can only read such options from there.
 *
 * The verification page (src/pages/verification.astro) and the flake archives
 * (src/pages/downloads/[flake].tar.gz.ts) are ordinary routes.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { AstroIntegration } from 'astro';
import type { StarlightPlugin } from '@astrojs/starlight/types';
import { remarkVerificationMarks } from './remark-verification-marks.ts';

const VIRTUAL_CONTEXT = 'virtual:verified-snippets/context';

export interface VerifiedSnippetsOptions {
  /** Where the verifier's output is, relative to the project root. Default `.verify`. */
  verifyDir?: string;
}

export function verifiedSnippets(options: VerifiedSnippetsOptions = {}): StarlightPlugin {
  return {
    name: 'verified-snippets',
    hooks: {
      'config:setup'({ config, updateConfig, addIntegration, addRouteMiddleware }) {
        if (config.expressiveCode === false) {
          throw new Error(
            'The verified-snippets plugin needs Expressive Code for copy buttons and frame titles; remove `expressiveCode: false` from the Starlight config.',
          );
        }
        if (config.components?.PageTitle) {
          throw new Error(
            'The verified-snippets plugin overrides Starlight\'s `PageTitle` component to state what each page was checked against; remove `components.PageTitle` from the Starlight config.',
          );
        }
        const ec = typeof config.expressiveCode === 'object' ? config.expressiveCode : {};
        updateConfig({
          customCss: [...(config.customCss ?? []), fileURLToPath(new URL('../styles/verified-snippets.css', import.meta.url))],
          components: { ...config.components, PageTitle: fileURLToPath(new URL('../components/PageTitle.astro', import.meta.url)) },
          expressiveCode: {
            ...ec,
            // Copy exactly the verified text: no tab expansion, no dropped comment lines.
            tabWidth: 0,
            frames: { ...(typeof ec.frames === 'object' ? ec.frames : {}), removeCommentsWhenCopyingTerminalFrames: false },
          },
        });
        addRouteMiddleware({ entrypoint: fileURLToPath(new URL('./sidebar-link.ts', import.meta.url)) });
        addIntegration(verifiedSnippetsIntegration(options));
      },
    },
  };
}

function verifiedSnippetsIntegration(options: VerifiedSnippetsOptions): AstroIntegration {
  return {
    name: 'verified-snippets',
    hooks: {
      'astro:config:setup'({ config, updateConfig }) {
        const root = fileURLToPath(config.root);
        const verifyDir = join(root, options.verifyDir ?? '.verify');
        const processor = config.markdown.processor as { name?: string; options?: { remarkPlugins?: unknown[] } } | undefined;
        if (processor?.name !== 'unified' || !Array.isArray(processor.options?.remarkPlugins)) {
          throw new Error(
            'The verified-snippets plugin needs the remark pipeline: set `markdown.processor: unified({ … })` from `@astrojs/markdown-remark` in astro.config.mjs.',
          );
        }
        const component = (name: string) => fileURLToPath(new URL(`../components/${name}`, import.meta.url));
        processor.options.remarkPlugins.push([
          remarkVerificationMarks,
          {
            root,
            verifyDir,
            components: { snippet: component('VerifiedSnippet.astro'), download: component('FlakeDownload.astro') },
          },
        ]);
        updateConfig({
          vite: {
            plugins: [
              {
                name: 'verified-snippets-context',
                resolveId: (id: string) => (id === VIRTUAL_CONTEXT ? `\0${VIRTUAL_CONTEXT}` : undefined),
                load: (id: string) =>
                  id === `\0${VIRTUAL_CONTEXT}`
                    ? `export const root = ${JSON.stringify(root)};\nexport const verifyDir = ${JSON.stringify(verifyDir)};\n`
                    : undefined,
              },
            ],
          },
        });
      },
    },
  };
}
