/**
 * The diagram on the NUR page (src/components/ModulePathDiagram.astro): an SVG image with a
 * name, drawn in real text that names what the guide's verified code names, legible in both
 * themes and on a phone.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { APPROACHES, COMMON, diagramNames, SYSTEM_NAMES } from '../../src/lib/module-path-diagram.ts';
import { PHONE } from './support/browser.ts';
import { siteBlocks } from './support/report.ts';
import { ROOT } from './support/site.ts';
import { e2eFixture } from './support/fixture.ts';

const fixture = e2eFixture();

const DIAGRAM = 'figure.module-path svg';

/** Names a reader must find in the diagram: what both approaches have in common, and where they differ. */
const KEY_NAMES = [
  'qc71-slimbook-laptop.nix',
  'config.boot.kernelPackages.callPackage',
  'linuxKernel.packagesFor',
  'boot.kernelPackages',
  'boot.extraModulePackages =',
  'qc71_laptop.ko',
  'boot.kernelModules',
  'modprobe qc71_laptop',
];

async function openNur(theme?: 'light' | 'dark', viewport?: { width: number; height: number }): Promise<Page> {
  const { url, context } = await fixture.ready();
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  await page.goto(`${url}/nur/`);
  if (theme) {
    await page.evaluate((t) => localStorage.setItem('starlight-theme', t), theme);
    await page.reload();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
  }
  return page;
}

/** `rgb(…)` or `rgba(…)` as computed by Chromium. */
function rgb(color: string): [number, number, number] {
  const match = /^rgba?\((\d+(?:\.\d+)?),? (\d+(?:\.\d+)?),? (\d+(?:\.\d+)?)(?:,? \/? ?(\d*\.?\d+))?\)$/.exec(color);
  if (!match) throw new Error(`not an rgb() colour: ${color}`);
  if (match[4] !== undefined && Number(match[4]) < 1) throw new Error(`a translucent colour: ${color}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** WCAG 2 contrast ratio of two opaque colours. */
function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const [r, g, b] = rgb(color).map((c) => {
      const s = c / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** A name as a pattern: `<version>` stands for the kernel version however the code writes it. */
function pattern(name: string): RegExp {
  const parts = name.replace(/^\/+|\/+$/g, '').split('<version>').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(parts.join('(?:\\$\\{kernel\\.modDirVersion\\}|\\*|[0-9][^/\\s]*)'));
}

describe('the module path diagram on /nur/', () => {
  test('renders as an image with a name and a description, drawn in real text', async () => {
    const page = await openNur();
    const svg = page.locator(DIAGRAM);
    expect(await svg.count()).toBe(1);
    expect(await svg.isVisible()).toBe(true);
    const box = await svg.boundingBox();
    expect(box?.width).toBeGreaterThan(200);
    expect(box?.height).toBeGreaterThan(200);

    const image = page.getByRole('img', { name: 'How the module package reaches the kernel the system boots' });
    expect(await image.count()).toBe(1);
    expect(await image.evaluate((el) => el.tagName.toLowerCase())).toBe('svg');
    const description = await svg.evaluate((el) => document.getElementById(el.getAttribute('aria-describedby') ?? '')?.textContent ?? '');
    expect(description).toMatch(/approach 1 and approach 2/i);

    const texts = await svg.locator('text').allTextContents();
    expect(texts.length).toBeGreaterThan(15);
    const drawn = texts.join('\n');
    for (const name of [...KEY_NAMES, ...diagramNames()]) expect.soft(drawn, name).toContain(name);
    await page.close();
  });

  test('every label fits inside its box', async () => {
    const page = await openNur();
    const outside = await page.locator(DIAGRAM).evaluate((svg) =>
      [...svg.querySelectorAll('text')].flatMap((text) => {
        const rect = text.parentElement?.querySelector(':scope > rect');
        if (!rect) return [];
        const t = text.getBBox();
        const r = (rect as SVGRectElement).getBBox();
        const inside = t.x >= r.x && t.y >= r.y && t.x + t.width <= r.x + r.width - 4 && t.y + t.height <= r.y + r.height;
        return inside ? [] : [`${text.textContent}: ${Math.round(t.x + t.width)} > ${Math.round(r.x + r.width - 4)}`];
      }),
    );
    expect(outside).toEqual([]);
    await page.close();
  });

  test('screen readers get the same steps as ordered lists', async () => {
    const page = await openNur();
    const lists = page.locator('figure.module-path figcaption ol');
    expect(await lists.count()).toBe(APPROACHES.length + 1);
    const items = await lists.locator('li').allTextContents();
    expect(items).toHaveLength(APPROACHES.reduce((n, lane) => n + lane.steps.length, 0) + COMMON.length);
    const spoken = items.join('\n');
    for (const name of KEY_NAMES.filter((n) => !n.endsWith('='))) expect.soft(spoken, name).toContain(name);
    await page.close();
  });

  test('every code name it draws is in a block the guide verified', async () => {
    const { report } = await fixture.ready();
    const verified = siteBlocks(report).filter((b) => b.status === 'verified' && b.role !== 'expected-failure');
    expect(verified.length).toBeGreaterThan(10);
    const names = diagramNames();
    expect.soft(names).toEqual(expect.arrayContaining([...KEY_NAMES, ...SYSTEM_NAMES]));
    for (const name of names.filter((n) => !SYSTEM_NAMES.includes(n))) {
      const re = pattern(name);
      // A file's name also counts when it is the title of a verified block.
      const found = verified.some((b) => re.test(b.code) || b.file === name);
      expect.soft(found, `${name} is in no verified block`).toBe(true);
    }
  });

  test('the names of the running system it draws are on the guide’s other pages', async () => {
    const { report } = await fixture.ready();
    const dir = join(ROOT, 'src/content/docs');
    const others = readdirSync(dir).filter((f) => f.endsWith('.mdx') && f !== 'nur.mdx');
    const texts = [...others.map((f) => readFileSync(join(dir, f), 'utf8')), ...siteBlocks(report).filter((b) => !b.page.endsWith('nur.mdx')).map((b) => b.code)];
    for (const name of SYSTEM_NAMES) {
      const re = pattern(name);
      expect.soft(texts.some((t) => re.test(t)), `${name} is on no other page`).toBe(true);
    }
  });

  for (const theme of ['light', 'dark'] as const) {
    test(`in the ${theme} theme, its text contrasts with what is behind it, and its arrows with the page`, async () => {
      const page = await openNur(theme);
      const colours = await page.locator(DIAGRAM).evaluate((svg) => {
        let el: Element | null = svg;
        let page = 'rgba(0, 0, 0, 0)';
        while (el && /rgba\(.*, 0\)|transparent/.test(page)) {
          page = getComputedStyle(el).backgroundColor;
          el = el.parentElement;
        }
        const texts = [...svg.querySelectorAll('text')].map((text) => {
          const rect = text.parentElement?.querySelector(':scope > rect');
          const behind = rect && getComputedStyle(rect).fill !== 'none' ? getComputedStyle(rect).fill : page;
          return { text: text.textContent ?? '', fill: getComputedStyle(text).fill, behind };
        });
        const arrows = [...svg.querySelectorAll('.head')].map((head) => getComputedStyle(head).fill);
        return { page, texts, arrows };
      });
      expect(colours.texts.length).toBeGreaterThan(15);
      for (const { text, fill, behind } of colours.texts) {
        expect.soft(contrast(fill, behind), `${text}: ${fill} on ${behind}`).toBeGreaterThanOrEqual(4.5);
        expect.soft(contrast(fill, colours.page), `${text}: ${fill} on the page, ${colours.page}`).toBeGreaterThanOrEqual(4.5);
      }
      expect(colours.arrows.length).toBeGreaterThan(5);
      for (const fill of colours.arrows) expect.soft(contrast(fill, colours.page), `an arrow: ${fill} on ${colours.page}`).toBeGreaterThanOrEqual(3);
      await page.close();
    });
  }

  test('at 390 px, the page does not scroll sideways, the diagram fits its column and its text is at least 12 px', async () => {
    const page = await openNur(undefined, PHONE);
    const fit = await page.locator(DIAGRAM).evaluate((svg) => {
      const figure = svg.closest('figure')!;
      const column = figure.parentElement!;
      const s = svg.getBoundingClientRect();
      const c = column.getBoundingClientRect();
      const scale = s.width / (svg as SVGSVGElement).viewBox.baseVal.width;
      const sizes = [...svg.querySelectorAll('text, tspan')].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
      return {
        page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        figure: figure.scrollWidth - figure.clientWidth,
        left: s.left - c.left,
        right: c.right - s.right,
        width: s.width,
        smallest: Math.min(...sizes),
      };
    });
    expect(fit.page).toBeLessThanOrEqual(0);
    expect(fit.figure).toBeLessThanOrEqual(0);
    expect(fit.left).toBeGreaterThanOrEqual(0);
    expect(fit.right).toBeGreaterThanOrEqual(0);
    expect(fit.width).toBeGreaterThan(300);
    expect(fit.smallest).toBeGreaterThanOrEqual(12);
    await page.close();
  });
});
