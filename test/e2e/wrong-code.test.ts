/**
 * Wrong code looks wrong: every expected-failure block is framed red as "Don't use this", has
 * no copy button, marks its wrong lines, shows the error from the report (never typed by hand)
 * and links to the working version of the same file.
 */
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { BlockReport } from '../../scripts/verifier/types.ts';
import { pageUrl, siteBlocks } from './support/report.ts';
import { e2eFixture } from './support/fixture.ts';

const fixture = e2eFixture();

const open = (path: string) => fixture.open(path);

function frameOf(page: Page, block: BlockReport) {
  return page.locator(`.vs[data-block="${block.id}"]`).locator('xpath=preceding-sibling::*[1]').locator('figure');
}

describe('expected failures', () => {
  test('are framed red as “Don’t use this”, with no copy button, and only the lines that differ from the working version are marked', async () => {
    const { report } = await fixture.ready();
    const wrong = siteBlocks(report).filter((b) => b.role === 'expected-failure');
    expect(wrong.length).toBeGreaterThan(3);
    let partly = 0;
    for (const block of wrong) {
      const page = await open(pageUrl(block.page));
      const frame = frameOf(page, block);
      expect.soft(await frame.getAttribute('class'), block.id).toContain('vs-wrong');
      const label = (await frame.locator('figcaption .vs-wrong-label').textContent()) ?? '';
      expect.soft(label, block.id).toMatch(/^Don't use this: /);
      expect.soft(label.includes(block.reason!), `${block.id}: the label names the error`).toBe(true);
      expect.soft(await frame.locator('.copy button').count(), block.id).toBe(0);
      const [shadow, red] = await frame.evaluate((el) => {
        const probe = document.createElement('span');
        probe.style.color = 'var(--sl-color-red)';
        document.body.append(probe);
        const value = getComputedStyle(probe).color;
        probe.remove();
        return [getComputedStyle(el).boxShadow, value];
      });
      expect.soft(shadow, `${block.id}: a red frame`).toContain(red);
      const lines = block.code.split('\n').length;
      const marked = await frame.locator('.ec-line.del').count();
      expect.soft(marked, `${block.id}: some lines are marked wrong`).toBeGreaterThan(0);
      expect.soft(marked, block.id).toBeLessThanOrEqual(lines);
      if (marked < lines) partly++;
      await page.close();
    }
    // The overlay mistakes differ from the working overlay in one line each.
    expect(partly, 'blocks where only the differing lines are marked').toBeGreaterThanOrEqual(2);
  });

  test('the one wrong line of the overlay without `callPackage` is the one marked', async () => {
    const { report } = await fixture.ready();
    const block = siteBlocks(report).find((b) => b.role === 'expected-failure' && b.code.includes('inherit (kFinal) ;'))!;
    const page = await open(pageUrl(block.page));
    const marked = await frameOf(page, block).locator('.ec-line.del').allTextContents();
    expect(marked.map((l) => l.trim())).toEqual(['inherit (kFinal) ;']);
    await page.close();
  });

  test('show the error Nix printed, from the report, and link to the working version of the same file', async () => {
    const { url, context, report } = await fixture.ready();
    for (const block of siteBlocks(report).filter((b) => b.role === 'expected-failure' && b.status === 'verified')) {
      const page = await open(pageUrl(block.page));
      const mark = page.locator(`.vs[data-block="${block.id}"]`);
      expect.soft(block.failedWith, `${block.id}: the report has Nix's message`).toBeTruthy();
      expect.soft(await mark.locator('.vs-failed-with').textContent(), block.id).toBe(block.failedWith);
      expect.soft(await mark.locator('.vs-badge svg').count(), block.id).toBe(1);
      const links = await mark.locator('.vs-working a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
      expect.soft(links.length, `${block.id}: links to the working version`).toBeGreaterThan(0);
      for (const href of links) {
        const target = new URL(href);
        const other = await context.newPage();
        await other.goto(url + target.pathname);
        const figure = other.locator(target.hash);
        expect.soft(await figure.count(), `${block.id} → ${href}`).toBe(1);
        const working = report.blocks.find((b) => pageUrl(b.page) === target.pathname && `#snippet-${b.line}` === target.hash);
        expect.soft(working, href).toMatchObject({ flake: block.flake, file: block.file, status: 'verified' });
        expect.soft(['file', 'fragment'], href).toContain(working?.role);
        expect.soft(await figure.getAttribute('class'), href).not.toContain('vs-wrong');
        await other.close();
      }
      await page.close();
    }
  });
});
