/**
 * Every page: loads without console errors or failed requests, has no serious or critical
 * axe-core violations in either theme, and is screenshotted at desktop and phone widths
 * (test-results/screenshots/).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { DESKTOP, PHONE } from './support/browser.ts';
import { builtPages, ROOT } from './support/site.ts';
import { e2eFixture } from './support/fixture.ts';

const AXE = join(ROOT, 'node_modules/axe-core/axe.min.js');
const SHOTS = join(ROOT, 'test-results/screenshots');

const fixture = e2eFixture();


/** Loads a page, collecting console errors, page errors and failed or 4xx/5xx requests. */
async function load(page: Page, path: string): Promise<string[]> {
  const { url } = await fixture.ready();
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
  await page.goto(url + path, { waitUntil: 'load' });
  await page.waitForLoadState('networkidle');
  return problems;
}

async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await page.evaluate((t) => localStorage.setItem('starlight-theme', t), theme);
  await page.reload({ waitUntil: 'load' });
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
}

/**
 * Expressive Code's own script makes code blocks that scroll sideways focusable (tabindex),
 * a moment after they are laid out; wait for it before checking accessibility.
 */
async function codeBlocksSettled(page: Page): Promise<void> {
  await expect
    .poll(() =>
      page.evaluate(() =>
        [...document.querySelectorAll('.expressive-code pre')].every(
          (pre) => pre.scrollWidth <= pre.clientWidth || pre.hasAttribute('tabindex') || !(pre as HTMLElement).offsetParent,
        ),
      ),
    )
    .toBe(true);
}

describe('every page', () => {
  test('the build has the pages readers expect', async () => {
    await fixture.ready();
    const pages = builtPages();
    expect(pages).toContain('/');
    expect(pages).toContain('/404.html');
    expect(pages).toContain('/verification/');
    expect(pages).toContain('/package/');
  });

  test('loads with no console errors and no failed requests', async () => {
    const { context } = await fixture.ready();
    for (const path of builtPages()) {
      const page = await context.newPage();
      const problems = await load(page, path);
      expect.soft(problems, path).toEqual([]);
      await page.close();
    }
  });

  test('an unknown URL gets the 404 page with status 404', async () => {
    const { url, context } = await fixture.ready();
    const page = await context.newPage();
    const response = await page.goto(`${url}/no-such-page/`);
    expect(response?.status()).toBe(404);
    await expect.poll(() => page.locator('h1').first().textContent()).toMatch(/not found|404/i);
    await page.close();
  });

  test('axe-core finds no serious or critical violations, in light and dark themes', async () => {
    const { context } = await fixture.ready();
    for (const path of builtPages()) {
      for (const theme of ['light', 'dark'] as const) {
        const page = await context.newPage();
        await load(page, path);
        await setTheme(page, theme);
        // Closed disclosures hide content from axe; open them so it checks everything.
        await page.evaluate(() => document.querySelectorAll('main details').forEach((d) => ((d as HTMLDetailsElement).open = true)));
        await codeBlocksSettled(page);
        await page.addScriptTag({ path: AXE });
        const violations = await page.evaluate(async () => {
          const axe = (window as unknown as { axe: { run(c: unknown, o: unknown): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
          const result = await axe.run(document, { resultTypes: ['violations'] });
          return result.violations
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)).join(', ')}`);
        });
        expect.soft(violations, `${path} (${theme})`).toEqual([]);
        await page.close();
      }
    }
  });

  test('screenshots at desktop and phone widths', async () => {
    const { context } = await fixture.ready();
    mkdirSync(SHOTS, { recursive: true });
    for (const path of builtPages()) {
      const name = path === '/' ? 'index' : path.replace(/^\/|\/$/g, '').replace(/[^a-zA-Z0-9.-]+/g, '_');
      for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
        for (const theme of ['light', 'dark'] as const) {
          const page = await context.newPage();
          await page.setViewportSize(viewport);
          await load(page, path);
          await setTheme(page, theme);
          const file = join(SHOTS, `${name}-${size}-${theme}.png`);
          await page.screenshot({ path: file, fullPage: true });
          // Nothing may stick out sideways on a phone: the page scrolls vertically only.
          if (size === 'phone') {
            const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
            expect.soft(overflow, `${path} is wider than the phone screen`).toBeLessThanOrEqual(0);
          }
          await page.close();
        }
      }
    }
  });
});
