/** The theme toggle switches between light and dark (data-theme on <html>) and remembers it. */
import { expect, test } from 'vitest';
import { PHONE } from './support/browser.ts';
import { e2eFixture } from './support/fixture.ts';

const fixture = e2eFixture();


const theme = (page: import('playwright-core').Page) => page.evaluate(() => document.documentElement.dataset.theme);

test('the theme select switches light and dark, and the choice survives a reload', async () => {
  const { url, context } = await fixture.ready();
  const page = await context.newPage();
  await page.goto(`${url}/simple/`);
  const select = page.locator('header starlight-theme-select select');
  await select.selectOption('light');
  await expect.poll(() => theme(page)).toBe('light');
  await select.selectOption('dark');
  await expect.poll(() => theme(page)).toBe('dark');
  await page.reload();
  await expect.poll(() => theme(page)).toBe('dark');
  await select.selectOption('light');
  await page.goto(`${url}/verification/`);
  await expect.poll(() => theme(page)).toBe('light');
  await page.close();
});

test('on a phone, the theme select is in the menu and works', async () => {
  const { url, context } = await fixture.ready();
  const page = await context.newPage();
  await page.setViewportSize(PHONE);
  await page.goto(`${url}/simple/`);
  await page.locator('button[popovertarget="starlight__sidebar"]').click();
  const select = page.locator('#starlight__sidebar .mobile-preferences starlight-theme-select select');
  await select.selectOption('dark');
  await expect.poll(() => theme(page)).toBe('dark');
  await select.selectOption('light');
  await expect.poll(() => theme(page)).toBe('light');
  await page.close();
});
