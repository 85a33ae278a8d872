/**
 * The verification page as readers meet it: a per-page summary in reading order whose rows
 * link back to their blocks, internals collapsed under "For maintainers", and a "check it
 * yourself" section that names the repository.
 */
import { expect, test } from 'vitest';
import { REPOSITORY_URL } from '../../src/lib/project.ts';
import { pageUrl, siteBlocks } from './support/report.ts';
import { e2eFixture } from './support/fixture.ts';

const fixture = e2eFixture();
/** The guide's reading order: its sidebar. */
const READING_ORDER = ['/', '/package/', '/simple/', '/nur/', '/check/', '/troubleshooting/', '/options/', '/maintenance/'];

test('opens with a summary in reading order, each row linking back to its block', async () => {
  const { url, context, report } = await fixture.ready();
  const page = await context.newPage();
  await page.goto(`${url}/verification/`);
  const firstH2 = await page.locator('main h2').first().textContent();
  expect(firstH2).toBe('Page by page');
  const rows = await page.locator('table.vs-summary tr[data-block]').evaluateAll((trs) =>
    trs.map((tr) => ({ id: tr.getAttribute('data-block')!, href: (tr.querySelector('a') as HTMLAnchorElement).href })),
  );
  const expected = [...siteBlocks(report)].sort(
    (a, b) => READING_ORDER.indexOf(pageUrl(a.page)) - READING_ORDER.indexOf(pageUrl(b.page)) || a.line - b.line,
  );
  expect(rows.map((r) => r.id)).toEqual(expected.map((b) => b.id));
  for (const { id, href } of rows) {
    const target = new URL(href);
    const block = report.blocks.find((b) => b.id === id)!;
    expect.soft(target.pathname, id).toBe(pageUrl(block.page));
    const other = await context.newPage();
    await other.goto(href);
    // The anchor is the code block itself, with its mark right after it.
    const next = other.locator(`${target.hash}`).locator('xpath=ancestor::div[contains(@class,"expressive-code")]/following-sibling::*[1]');
    expect.soft(await next.getAttribute('data-block'), href).toBe(id);
    await other.close();
  }
  await page.close();
});

test('internals sit collapsed under “For maintainers”, out of search', async () => {
  const { url, context, report } = await fixture.ready();
  const page = await context.newPage();
  await page.goto(`${url}/verification/`);
  const details = page.locator('details.vs-maintainers');
  expect(await details.count()).toBe(1);
  expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
  expect(await details.getAttribute('data-pagefind-ignore')).not.toBeNull();
  expect(await page.locator('h2#for-maintainers + details.vs-maintainers').count()).toBe(1);
  // Report ids, page paths and MDX lines appear only inside it.
  const outside = await page.evaluate(() => {
    const main = document.querySelector('main')!.cloneNode(true) as HTMLElement;
    main.querySelector('details.vs-maintainers')?.remove();
    return main.textContent ?? '';
  });
  for (const block of report.blocks) expect.soft(outside, block.id).not.toContain(block.id);
  expect(outside).not.toContain('src/content/docs/');
  for (const table of await page.locator('table.vs-summary').all()) expect.soft(await table.getAttribute('data-pagefind-ignore')).not.toBeNull();
  await page.close();
});

test('“Check it yourself” names the repository and clones it', async () => {
  const { url, context } = await fixture.ready();
  const page = await context.newPage();
  await page.goto(`${url}/verification/`);
  const section = page.locator('h2#check-it-yourself ~ *').filter({ has: page.locator(`a[href="${REPOSITORY_URL}"]`) });
  expect(await section.count()).toBeGreaterThan(0);
  const code = (await page.locator('h2#check-it-yourself ~ .expressive-code').first().locator('.ec-line').allTextContents()).join('\n');
  expect(code).toContain(`git clone ${REPOSITORY_URL}.git`);
  await page.close();
});
