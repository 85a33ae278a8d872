/**
 * Nothing scrolls sideways on a guide page, at desktop and phone widths: long code lines wrap
 * (keeping their indentation), tables fit or stack, and the page is no wider than the screen.
 * Every code block, table and the page itself: scrollWidth against clientWidth.
 */
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { DESKTOP, PHONE } from './support/browser.ts';
import { pageUrl, siteBlocks } from './support/report.ts';
import { e2eFixture } from './support/fixture.ts';

const fixture = e2eFixture();

/** Elements wider than their box, with whole-file views and every tab opened. */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    document.querySelectorAll('main details').forEach((d) => ((d as HTMLDetailsElement).open = true));
    document.querySelectorAll('main [role="tabpanel"]').forEach((p) => ((p as HTMLElement).hidden = false));
    const found: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) found.push(`the page: ${root.scrollWidth} > ${root.clientWidth}`);
    for (const el of document.querySelectorAll<HTMLElement>('main pre, main table, main .expressive-code, main figure')) {
      if (!el.offsetParent) continue;
      if (el.scrollWidth > el.clientWidth + 1) {
        const near = el.closest('[id]')?.id ?? '';
        found.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} (in #${near}): ${el.scrollWidth} > ${el.clientWidth}`);
      }
    }
    return found;
  });
}

test('no code block, table or page scrolls sideways on any guide page, at 1280 and 390 px', async () => {
  const { url, context, report } = await fixture.ready();
  const paths = [...new Set(['/', ...siteBlocks(report).map((b) => pageUrl(b.page))])];
  expect(paths.length).toBeGreaterThan(4);
  for (const viewport of [DESKTOP, PHONE]) {
    for (const path of paths) {
      const page = await context.newPage();
      await page.setViewportSize(viewport);
      await page.goto(url + path);
      expect.soft(await overflowing(page), `${path} at ${viewport.width} px`).toEqual([]);
      await page.close();
    }
  }
});

test('the verification page is no wider than a phone, and its summary tables fit', async () => {
  const { url, context } = await fixture.ready();
  const page = await context.newPage();
  await page.setViewportSize(PHONE);
  await page.goto(`${url}/verification/`);
  const widths = await page.evaluate(() => [
    document.documentElement.scrollWidth - document.documentElement.clientWidth,
    ...[...document.querySelectorAll<HTMLElement>('table.vs-summary')].map((t) => t.scrollWidth - t.clientWidth),
  ]);
  expect(widths.every((w) => w <= 0), widths.join(', ')).toBe(true);
  await page.close();
});

test('on a phone, the home page’s comparison table is one card per row, each cell labelled with its approach', async () => {
  const { url, context } = await fixture.ready();
  const page = await context.newPage();
  await page.setViewportSize(PHONE);
  await page.goto(`${url}/`);
  const table = page.locator('main table.stacked-table').first();
  const rows = table.locator('tbody tr');
  expect(await rows.count()).toBeGreaterThan(2);
  expect(await rows.first().evaluate((tr) => getComputedStyle(tr).display)).toBe('block');
  const labels = await rows.first().locator('td').evaluateAll((tds) => tds.map((td) => getComputedStyle(td, '::before').content));
  expect(labels).toEqual(['"Approach 1: in your configuration"', '"Approach 2: a NUR repository"']);
  await page.setViewportSize(DESKTOP);
  expect(await rows.first().evaluate((tr) => getComputedStyle(tr).display)).toBe('table-row');
  await page.close();
});
