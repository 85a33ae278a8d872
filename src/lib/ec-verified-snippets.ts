/**
 * The Expressive Code plugin of the verified-snippets integration. It works on the frames
 * Expressive Code renders, using what the remark plugin (./remark-verification-marks.ts)
 * wrote into each annotated block's meta (`vs-block="ID"`):
 *
 * - every annotated block gets the id its verification row links back to;
 * - a shell-session block's copy button copies only its commands (./command-copy.ts);
 * - an expected failure is framed as wrong code: a "Don't use this" caption saying how it
 *   fails, and no copy button. (Its wrong lines are marked with Expressive Code's own `del`
 *   markers, which the remark plugin adds to the meta.)
 */
import { definePlugin, type ExpressiveCodePlugin } from '@expressive-code/core';
import { addClassName, h, select, type Element, type ElementContent } from '@expressive-code/core/hast';
import type { BlockReport } from '../../scripts/verifier/types.ts';
import { commandCopyText } from './command-copy.ts';
import { snippetAnchor } from './mark-text.ts';
import { BLOCK_META_KEY } from './remark-verification-marks.ts';
import { loadVerification } from './verification.ts';

export interface EcVerifiedSnippetsOptions {
  /** Absolute path of the `.verify` directory. */
  verifyDir: string;
}

export function ecVerifiedSnippets(options: EcVerifiedSnippetsOptions): ExpressiveCodePlugin {
  return definePlugin({
    name: 'verified-snippets',
    hooks: {
      postprocessRenderedBlock({ codeBlock, renderData }) {
        const figure = renderData.blockAst;
        const copyButton = select('.copy button', figure);
        const copyText = commandCopyText(codeBlock.language, codeBlock.code);
        if (copyButton && copyText !== undefined) copyButton.properties.dataCode = copyText.replace(/\n/g, '\u007f');

        const id = codeBlock.metaOptions.getString(BLOCK_META_KEY);
        if (!id) return;
        const block = loadVerification(options.verifyDir).blockById(id);
        if (!block) return;
        figure.properties.id = snippetAnchor(block);
        if (block.role === 'expected-failure') frameAsWrong(figure, block);
      },
    },
  });
}

/** A red "Don't use this" caption, and no copy button: this code is shown to be avoided. */
function frameAsWrong(figure: Element, block: BlockReport): void {
  addClassName(figure, 'vs-wrong');
  figure.children = figure.children.filter((child) => !(child.type === 'element' && hasClass(child, 'copy')));
  const caption = select('figcaption', figure);
  const label = h('span', { className: 'vs-wrong-label' }, [h('strong', "Don't use this:"), { type: 'text', value: ' ' }, ...howItFails(block)]);
  if (caption) caption.children.push(label);
  else figure.children.unshift(h('figcaption', { className: 'header' }, [label]));
}

/** "it fails with `ERROR`", or for a declared check, "the check “CLAIM” fails". */
function howItFails(block: BlockReport): ElementContent[] {
  const claim = block.failedWith?.match(/^Check failed: "(.*)" does not hold\.$/s)?.[1];
  if (claim !== undefined) return [{ type: 'text', value: `the check “${claim}” fails` }];
  return [{ type: 'text', value: 'it fails with ' }, h('code', block.reason ?? block.failedWith ?? 'an error')];
}

function hasClass(element: Element, name: string): boolean {
  const value = element.properties.className;
  return Array.isArray(value) ? value.includes(name) : value === name;
}
