/**
 * Site metadata: canonical and `og:url` use the one site URL setting, pages link to the
 * repository and to their source for editing, show when they last changed, and announce no
 * large-image card without an image. The home page opens with a three-step quick start that
 * links to the download.
 */
import { expect, test } from 'vitest';
import { EDIT_BASE_URL, REPOSITORY_URL, SITE_URL } from '../../src/lib/project.ts';
import { builtPages } from './support/site.ts';
import { pageUrl, siteBlocks } from './support/report.ts';
import { e2eFixture } from './support/fixture.ts';

const fixture = e2eFixture();

test('canonical and og:url come from the site setting; no large-image card without an image', async () => {
  const { url, context } = await fixture.ready();
  expect(SITE_URL).not.toContain('example.org');
  for (const path of builtPages().filter((p) => p !== '/404.html')) {
    const page = await context.newPage();
    await page.goto(url + path);
    const head = await page.evaluate(() => ({
      canonical: document.querySelector('link[rel="canonical"]')?.getAttribute('href'),
      ogUrl: document.querySelector('meta[property="og:url"]')?.getAttribute('content'),
      card: document.querySelector('meta[name="twitter:card"]')?.getAttribute('content'),
      image: document.querySelector('meta[property="og:image"], meta[name="twitter:image"]')?.getAttribute('content') ?? null,
    }));
    expect.soft(head.canonical, path).toBe(SITE_URL + path);
    expect.soft(head.ogUrl, path).toBe(SITE_URL + path);
    if (!head.image) expect.soft(head.card, path).not.toBe('summary_large_image');
    expect.soft(await page.locator(`header a[href="${REPOSITORY_URL}"]`).count(), `${path}: repository link`).toBeGreaterThan(0);
    await page.close();
  }
});

test('every guide page links to its source for editing and says when it last changed', async () => {
  const { url, context, report } = await fixture.ready();
  const pages = new Map(siteBlocks(report).map((b) => [pageUrl(b.page), b.page]));
  expect(pages.size).toBeGreaterThan(4);
  for (const [path, source] of pages) {
    const page = await context.newPage();
    await page.goto(url + path);
    expect.soft(await page.locator(`a[href="${EDIT_BASE_URL}${source}"]`).count(), `${path}: edit link`).toBe(1);
    const updated = await page.locator('footer time[datetime]').first().getAttribute('datetime');
    expect.soft(Number.isNaN(Date.parse(updated ?? '')), `${path}: last updated`).toBe(false);
    await page.close();
  }
});

test('the home page opens with a three-step quick start that links to the download', async () => {
  const { url, context } = await fixture.ready();
  const page = await context.newPage();
  await page.goto(`${url}/`);
  expect(await page.locator('main h2').first().textContent()).toMatch(/^Quick start/);
  const steps = page.locator('main .sl-steps > li');
  expect(await steps.count()).toBe(3);
  const href = await steps.first().locator('a[href$=".tar.gz"]').first().getAttribute('href');
  expect(href).toMatch(/^\/downloads\/[\w-]+\.tar\.gz$/);
  const response = await fetch(url + href);
  expect(response.status).toBe(200);
  await response.arrayBuffer();
  await page.close();
});
