/**
 * Code blocks as readers get them: every annotated block has a verification mark that says
 * how far Nix got, in words (what the page was checked against is stated once, under its
 * title), the copy button copies exactly the verified text (commands without prompts or output;
 * expected failures have none), and fragments offer their whole assembled file with the glue
 * marked.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { BlockReport } from '../../scripts/verifier/types.ts';
import { pageUrl, siteBlocks } from './support/report.ts';
import { VERIFY_DIR } from './support/site.ts';
import { e2eFixture } from './support/fixture.ts';

const HEADLINES = { parse: 'Parsed', eval: 'Evaluated', fetch: 'Fetched', build: 'Built', boot: 'Loaded' } as const;

const fixture = e2eFixture();

const open = (path: string) => fixture.open(path);

function mark(page: Page, block: BlockReport): Locator {
  return page.locator(`.vs[data-block="${block.id}"]`);
}

/** The Expressive Code block a mark belongs to: the one right before it. */
function codeBlockOf(page: Page, block: BlockReport): Locator {
  return mark(page, block).locator('xpath=preceding-sibling::*[1]');
}

/** Makes a block visible: selects the Starlight tab it is in, if any. */
async function reveal(page: Page, block: BlockReport): Promise<void> {
  const panel = await mark(page, block).evaluate((el) => el.closest('[role="tabpanel"]')?.id ?? null);
  if (panel) await page.locator(`[role="tab"][href="#${panel}"]`).click();
}

function byPage(blocks: BlockReport[]): Map<string, BlockReport[]> {
  const map = new Map<string, BlockReport[]>();
  for (const b of blocks) map.set(b.page, [...(map.get(b.page) ?? []), b]);
  return map;
}

describe('verification marks', () => {
  test('every annotated block has exactly one mark, right after its code block', async () => {
    const { report } = await fixture.ready();
    for (const [pagePath, blocks] of byPage(siteBlocks(report))) {
      const page = await open(pageUrl(pagePath));
      expect.soft(await page.locator('.vs').count(), pagePath).toBe(blocks.length);
      for (const block of blocks) {
        await expect.soft(mark(page, block).count(), block.id).resolves.toBe(1);
        const cls = await codeBlockOf(page, block).getAttribute('class');
        expect.soft(cls, `${block.id}: the element before the mark`).toContain('expressive-code');
      }
      await page.close();
    }
  });

  test('each mark shows its level and status in words, and a stand-in result says so; the environment is stated once per page', async () => {
    const { report } = await fixture.ready();
    const standin = report.nixpkgs.kind === 'standin';
    for (const [pagePath, blocks] of byPage(siteBlocks(report))) {
      const page = await open(pageUrl(pagePath));
      const checked = blocks.some((b) => b.status !== 'exempt');
      const env = page.locator('.vs-page-env');
      expect.soft(await env.count(), `${pagePath}: one environment line`).toBe(checked ? 1 : 0);
      if (checked) {
        const text = (await env.textContent())!.replace(/\s+/g, ' ');
        expect.soft(text, pagePath).toContain(`Nix ${report.nix.version}`);
        if (standin) expect.soft(text, pagePath).toContain('the offline stand-in, not nixpkgs');
        else expect.soft(text, pagePath).not.toContain('stand-in');
      }
      for (const block of blocks) {
        const m = mark(page, block);
        const badge = (await m.locator('.vs-level').textContent())!;
        // The environment is not repeated under every block.
        expect.soft(await m.textContent(), block.id).not.toContain(`Nix ${report.nix.version}`);
        expect.soft(await m.locator('.vs-badge').getAttribute('title'), `${block.id}: no tooltip`).toBeNull();
        if (block.status === 'exempt') {
          expect.soft(badge, block.id).toBe('Not verified');
          expect.soft(await m.locator('.vs-reason').textContent(), block.id).toBe(block.reason);
          continue;
        }
        if (block.role === 'command') expect.soft(badge, block.id).toMatch(/^Output checked/);
        else expect.soft(badge.toLowerCase(), block.id).toContain(HEADLINES[block.level!].toLowerCase());
        const onStandin = standin && block.level !== 'parse';
        expect.soft(badge.endsWith(' on the stand-in'), `${block.id}: ${badge}`).toBe(onStandin);
        expect.soft(await m.getAttribute('data-basis'), block.id).toBe(onStandin ? 'standin' : block.level === 'parse' ? 'parser' : 'nixpkgs');
      }
      await page.close();
    }
  });

  test('a stand-in mark has another colour than a real-nixpkgs mark, and wrong code never has the green of working code', async () => {
    const { report } = await fixture.ready();
    const page = await open('/troubleshooting/');
    // The colours a real-nixpkgs result and a stand-in result get, resolved on this page.
    const colour = (variable: string) =>
      page.evaluate((v) => {
        const probe = document.createElement('span');
        probe.style.color = `var(${v})`;
        document.body.append(probe);
        const value = getComputedStyle(probe).color;
        probe.remove();
        return value;
      }, variable);
    const green = await colour('--sl-color-green-high');
    const purple = await colour('--sl-color-purple-high');
    expect(green).not.toBe(purple);
    for (const block of siteBlocks(report).filter((b) => b.page.endsWith('troubleshooting.mdx') && b.status === 'verified')) {
      const badge = mark(page, block).locator('.vs-badge');
      const shown = await badge.evaluate((el) => getComputedStyle(el).color);
      expect.soft(shown, `${block.id} is not green`).not.toBe(green);
      if (report.nixpkgs.kind === 'standin' && block.role !== 'expected-failure') expect.soft(shown, block.id).toBe(purple);
    }
    await page.close();
  });

  test('each mark links to its row on the verification page, and the maintainers’ rows give page, line, flake, level and status', async () => {
    const { report } = await fixture.ready();
    const blocks = siteBlocks(report);
    const first = await open(pageUrl(blocks[0]!.page));
    const href = await mark(first, blocks[0]!).locator('a.vs-badge').getAttribute('href');
    expect(href).toMatch(/^\/verification\/#block-/);
    await first.close();

    const page = await open('/verification/');
    expect(await page.locator(href!.replace(/^.*#/, '#')).getAttribute('data-block')).toBe(blocks[0]!.id);
    for (const block of report.blocks) {
      const row = page.locator(`tr[data-internal-block="${block.id}"]`);
      await expect.soft(row.count(), block.id).resolves.toBe(1);
      const cells = await row.locator('td').allTextContents();
      expect.soft(cells[0], block.id).toBe(String(block.line));
      if (block.flake && block.role !== 'exempt') expect.soft(cells[2], block.id).toContain(block.flake);
      if (block.file && block.role !== 'exempt') expect.soft(cells[2], block.id).toContain(block.file);
      expect.soft(cells[4], block.id).toContain(block.status === 'not-run' ? 'not run' : block.status);
    }
    const facts = await page.locator('.vs-facts').textContent();
    expect(facts).toContain(report.nix.version);
    expect(await page.getByText(report.command, { exact: false }).count()).toBeGreaterThan(0);
    for (const flake of report.flakes.filter((f) => f.variantOf === null)) {
      for (const check of flake.checks) {
        const cell = page.locator(`#flake-${flake.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')} ~ table.vs-checks td`, { hasText: check.name });
        expect.soft(await cell.count(), `${flake.name}: ${check.name}`).toBeGreaterThan(0);
      }
    }
    await page.close();
  });
});

describe('copy buttons', () => {
  test('copy exactly the verified text of each Nix block, fragments included; expected failures have no copy button', async () => {
    const { url, context, report } = await fixture.ready();
    const blocks = siteBlocks(report);
    expect(blocks.some((b) => b.role === 'fragment'), 'the guide has fragments to check').toBe(true);
    const origin = new URL(url).origin;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    for (const [pagePath, pageBlocks] of byPage(blocks)) {
      const page = await open(pageUrl(pagePath));
      for (const block of pageBlocks) {
        await reveal(page, block);
        const button = codeBlockOf(page, block).locator('.copy button');
        if (block.role === 'expected-failure') {
          expect.soft(await button.count(), `${block.id}: wrong code has no copy button`).toBe(0);
          continue;
        }
        // Shell sessions copy their commands only: test/e2e/copy.test.ts.
        if (block.lang !== 'nix') continue;
        await page.evaluate(() => navigator.clipboard.writeText(''));
        await button.click();
        await expect
          .poll(() => page.evaluate(() => navigator.clipboard.readText()), { message: block.id })
          .toBe(block.code);
      }
      await page.close();
    }
  });
});

describe('whole-file views', () => {
  test('a fragment offers its whole assembled file, exactly as verified, with the lines not shown on the page marked', async () => {
    const { report } = await fixture.ready();
    const fragments = siteBlocks(report).filter((b) => b.role === 'fragment' && b.status === 'verified');
    expect(fragments.length).toBeGreaterThan(0);
    for (const block of fragments) {
      const page = await open(pageUrl(block.page));
      await reveal(page, block);
      const details = mark(page, block).locator('details.vs-whole');
      await details.locator('summary').click();
      const code = details.locator('.expressive-code');
      await expect.poll(() => code.isVisible(), { message: block.id }).toBe(true);
      const text = readFileSync(join(VERIFY_DIR, 'flakes', block.flake!, block.file!), 'utf8');
      // Expressive Code renders an empty line as a line holding "\n".
      const shown = (await code.locator('.ec-line').allTextContents()).map((l) => l.replace(/\n$/, ''));
      expect.soft(shown, block.id).toEqual(text.replace(/\n$/, '').split('\n').map((l) => l.trimEnd()));
      const segments = report.flakes.find((f) => f.name === block.flake)!.files.find((f) => f.path === block.file)!.segments;
      // Each line has one marker: `mark` for glue, `ins` for the block's own lines, or `del` for a
      // line the reader keeps from their own system, whatever its origin (test/e2e/whole-file.test.ts).
      const markers = await code.locator('.ec-line').evaluateAll((lines) =>
        lines.map((l) => ['mark', 'ins', 'del'].filter((c) => l.classList.contains(c)).join(' ')),
      );
      const expected = markers.map((_, i) => {
        const segment = segments.find((s) => s.from <= i + 1 && i + 1 <= s.to);
        return segment?.origin === 'glue' ? 'mark' : segment?.blockId === block.id ? 'ins' : '';
      });
      expect.soft(markers.map((m, i) => (m === 'del' ? expected[i] : m)), `${block.id}: the marker of each line`).toEqual(expected);
      expect.soft(await details.locator('.vs-origins li[data-origin="glue"]').count(), block.id).toBe(
        segments.filter((s) => s.origin === 'glue').length,
      );
      await page.close();
    }
  });
});
