/**
 * Full-text search (Pagefind) finds `kernelModuleMakeFlags` and lands on the package page; it
 * ignores the verification page's tables and the collapsed whole-file views, so a query for
 * code lands on the guide, not on the data page.
 */
import { expect, test } from 'vitest';
import { e2eFixture } from './support/fixture.ts';

const fixture = e2eFixture();


test('searching kernelModuleMakeFlags lands on the package page', async () => {
  const { url, context } = await fixture.ready();
  const page = await context.newPage();
  await page.goto(`${url}/`);
  await page.locator('site-search button[data-open-modal]').click();
  const input = page.locator('site-search dialog input.pagefind-ui__search-input');
  await input.fill('kernelModuleMakeFlags');
  const results = page.locator('site-search .pagefind-ui__result-link');
  await results.first().waitFor({ timeout: 15_000 });
  const hrefs = await results.evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
  expect(hrefs).toContain('/package/');
  await results.filter({ has: page.locator(`xpath=self::*[starts-with(@href, "/package/")]`) }).first().click();
  await page.waitForURL((url) => url.pathname === '/package/');
  expect(await page.locator('main').textContent()).toContain('kernelModuleMakeFlags');
  await page.close();
});

test('searching linuxPackages_latest lands on the guide, not on the verification page', async () => {
  const { url, context } = await fixture.ready();
  const page = await context.newPage();
  await page.goto(`${url}/`);
  await page.locator('site-search button[data-open-modal]').click();
  await page.locator('site-search dialog input.pagefind-ui__search-input').fill('linuxPackages_latest');
  const results = page.locator('site-search .pagefind-ui__result-link');
  await results.first().waitFor({ timeout: 15_000 });
  // Wait until Pagefind has shown every result.
  await expect.poll(() => page.locator('site-search .pagefind-ui__message').textContent()).toMatch(/result/);
  const paths = await results.evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
  expect(paths.some((p) => ['/simple/', '/troubleshooting/', '/check/'].includes(p))).toBe(true);
  expect(paths).not.toContain('/verification/');
  await page.close();
});
