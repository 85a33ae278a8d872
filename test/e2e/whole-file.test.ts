/**
 * The whole-file views under fragments and expected failures, as readers read them: the origin
 * of each run of lines named by section heading and page, never by MDX line; lines from no block
 * called "not shown on the page"; and in a NixOS configuration, the lines a reader keeps from
 * their own system (state version, host name, hardware configuration) marked "keep yours".
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { BlockReport } from '../../scripts/verifier/types.ts';
import { pageUrl, siteBlocks } from './support/report.ts';
import { e2eFixture } from './support/fixture.ts';

const fixture = e2eFixture();

/** Opens the whole-file view under `block` on its page. */
async function wholeFile(block: BlockReport): Promise<{ page: Page; view: Locator }> {
  const page = await fixture.open(pageUrl(block.page));
  const mark = page.locator(`.vs[data-block="${block.id}"]`);
  const panel = await mark.evaluate((el) => el.closest('[role="tabpanel"]')?.id ?? null);
  if (panel) await page.locator(`[role="tab"][href="#${panel}"]`).click();
  const details = mark.locator('details.vs-whole');
  await details.locator('summary').click();
  const view = details.locator('.vs-file');
  await expect.poll(() => view.locator('.expressive-code').isVisible(), { message: block.id }).toBe(true);
  return { page, view };
}

/** The label Expressive Code draws before a line (its `::before` content), without quotes. */
function labelOf(line: Locator): Promise<string> {
  return line.evaluate((el) => getComputedStyle(el.querySelector('.code')!, '::before').content.replace(/^"|"$/g, ''));
}

/** WCAG contrast ratio of two opaque CSS colours as getComputedStyle gives them (`rgb(r, g, b)`). */
function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const [r, g, b] = (color.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

function withWholeFile(blocks: BlockReport[]): BlockReport[] {
  return blocks.filter((b) => b.file && b.status !== 'exempt' && (b.role === 'fragment' || b.role === 'expected-failure'));
}

describe('whole-file views', () => {
  test('name the origin of other blocks by the section heading they are under, with a link to them, never by MDX line', async () => {
    const { report } = await fixture.ready();
    let named = 0;
    for (const block of withWholeFile(siteBlocks(report))) {
      const { page, view } = await wholeFile(block);
      const list = view.locator('.vs-origins');
      expect.soft(await list.textContent(), block.id).not.toMatch(/\bline \d+ of\b|\.mdx\b/i);
      for (const item of await list.locator('li[data-origin="block"]').all()) {
        const link = item.locator('a');
        const text = (await item.textContent())!.replace(/\s+/g, ' ');
        const section = /from “(.+)” on (.+)$/.exec(text);
        expect.soft(section, `${block.id}: ${text}`).not.toBeNull();
        // The heading the linked block is under, read from the page it is on.
        const href = (await link.getAttribute('href'))!;
        const target = await fixture.open(href);
        const heading = await target.evaluate((id) => {
          const anchor = document.getElementById(id);
          const headings = [...document.querySelectorAll('.sl-markdown-content :is(h2, h3, h4)')];
          const above = headings.filter((h) => anchor && h.compareDocumentPosition(anchor) & Node.DOCUMENT_POSITION_FOLLOWING);
          return anchor ? (above.at(-1)?.textContent?.trim() ?? null) : 'no element with this id';
        }, new URL(href, 'http://x').hash.slice(1));
        expect.soft(section?.[1], `${block.id}: the section of ${href}`).toBe(heading);
        await target.close();
        named++;
      }
      await page.close();
    }
    expect(named, 'whole-file views that name another block').toBeGreaterThan(0);
  });

  test('call lines from no block "not shown on the page", in their labels and in the list, never "glue"', async () => {
    const { report } = await fixture.ready();
    let withGlue = 0;
    for (const block of withWholeFile(siteBlocks(report))) {
      const { page, view } = await wholeFile(block);
      expect.soft(await view.locator('xpath=ancestor::details[1]/summary').textContent(), block.id).toContain('with the lines not shown on the page');
      expect.soft(await view.textContent(), block.id).not.toMatch(/\bglue\b/i);
      const items = await view.locator('.vs-origins li[data-origin="glue"]').allTextContents();
      for (const text of items) expect.soft(text, block.id).toContain('not shown on the page');
      const labelled = await view.locator('.ec-line.mark.tm-label').all();
      expect.soft(labelled.length > 0, `${block.id}: lines not shown are labelled`).toBe(items.length > 0);
      for (const line of labelled) expect.soft(await labelOf(line), block.id).toBe('not shown on the page');
      if (items.length > 0) withGlue++;
      await page.close();
    }
    expect(withGlue, 'whole-file views with lines not shown on the page').toBeGreaterThan(0);
  });

  test('mark the lines a reader keeps from their own system in the configuration of the system flake', async () => {
    const { report } = await fixture.ready();
    const block = siteBlocks(report).find((b) => b.role === 'fragment' && b.flake === 'system' && b.file === 'configuration.nix');
    expect(block, 'a fragment of the system flake’s configuration.nix').toBeDefined();
    const { page, view } = await wholeFile(block!);
    const lines = view.locator('.ec-line');
    const texts = await lines.allTextContents();
    const isKept = (t: string) => /^\s*(system\.stateVersion|networking\.hostName) =|\.\/hardware-configuration\.nix/.test(t);
    const kept = texts.flatMap((t, i) => (isKept(t) ? [i] : []));
    expect(kept.length, 'the state version, host name and hardware import lines').toBe(3);
    for (const [i, text] of texts.entries()) {
      const classes = (await lines.nth(i).getAttribute('class'))!.split(/\s+/);
      if (isKept(text)) {
        expect.soft(classes, text).toContain('del');
        expect.soft(classes.filter((c) => c === 'mark' || c === 'ins'), text).toEqual([]);
        expect.soft(await labelOf(lines.nth(i)), text).toBe('keep yours');
      } else {
        expect.soft(classes, text).not.toContain('del');
      }
    }
    const note = view.locator('.vs-keep-note');
    expect.soft(await note.textContent()).toMatch(/Keep your own values on the marked lines: system\.stateVersion, the host name and the import of \.\/hardware-configuration\.nix\./);
    // Kept lines look different from lines of the page and from lines not shown, in both themes.
    for (const theme of ['light', 'dark']) {
      await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
      const background = (i: number) => lines.nth(i).evaluate((el) => getComputedStyle(el).backgroundColor);
      const own = texts.findIndex((t) => /boot\.extraModulePackages/.test(t));
      const keptBackground = await background(kept[0]!);
      expect.soft(keptBackground, theme).not.toBe(await background(own));
      expect.soft(keptBackground, theme).not.toBe(await background(0));
      const label = await lines.nth(kept[0]!).evaluate((el) => {
        const style = getComputedStyle(el.querySelector('.code')!, '::before');
        return [style.color, style.backgroundColor];
      });
      expect.soft(contrast(label[0]!, label[1]!), `${theme}: the “keep yours” label, ${label.join(' on ')}`).toBeGreaterThanOrEqual(4.5);
    }
    await page.close();
  });
});
