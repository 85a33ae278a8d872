/**
 * No broken internal links: crawls every page from `/` (and every built page), and checks
 * that each same-origin link resolves with status 200 and that its #fragment exists.
 */
import { expect, test } from 'vitest';
import { builtPages } from './support/site.ts';
import { e2eFixture } from './support/fixture.ts';

const fixture = e2eFixture();


test('every same-origin link resolves, fragments included', async () => {
  const { url, context } = await fixture.ready();
  const origin = new URL(url).origin;
  const queue = ['/', ...builtPages()];
  const visited = new Set<string>();
  /** link target (path + hash) → pages linking to it */
  const links = new Map<string, Set<string>>();
  const ids = new Map<string, Set<string>>();
  const page = await context.newPage();

  while (queue.length) {
    const path = queue.shift()!;
    if (visited.has(path)) continue;
    visited.add(path);
    const response = await page.goto(origin + path);
    const type = response?.headers()['content-type'] ?? '';
    if (!type.includes('text/html')) continue;
    const found = await page.evaluate(() => ({
      hrefs: [...document.querySelectorAll('a[href], link[href]')].map((a) => (a as HTMLAnchorElement).href),
      ids: [...document.querySelectorAll('[id]')].map((e) => e.id),
    }));
    ids.set(path, new Set(found.ids));
    for (const href of found.hrefs) {
      const url = new URL(href);
      if (url.origin !== origin) continue;
      const target = url.pathname + url.hash;
      links.set(target, (links.get(target) ?? new Set()).add(path));
      if (!visited.has(url.pathname) && !/\.(tar\.gz|xml|css|js|svg|png|ico|txt)$/.test(url.pathname)) queue.push(url.pathname);
    }
  }
  await page.close();

  expect(visited.size).toBeGreaterThan(3);
  for (const [target, from] of links) {
    const url = new URL(target, origin);
    const response = await fetch(url.origin + url.pathname);
    expect.soft(response.status, `${target} (linked from ${[...from].join(', ')})`).toBe(200);
    await response.arrayBuffer();
    const hash = decodeURIComponent(url.hash.slice(1));
    if (hash && ids.has(url.pathname)) {
      expect.soft(ids.get(url.pathname)!.has(hash), `#${hash} does not exist on ${url.pathname} (linked from ${[...from].join(', ')})`).toBe(true);
    }
  }
});
