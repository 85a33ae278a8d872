/**
 * Copy that pastes: the copy button of every shell-session block on the site copies the
 * commands only, without `$ ` and without the expected output, as lines a shell runs.
 */
import { execFileSync } from 'node:child_process';
import { expect, test } from 'vitest';
import { builtPages } from './support/site.ts';
import { e2eFixture } from './support/fixture.ts';

const fixture = e2eFixture();

/** What a reader types, worked out here from the block's visible lines: `$ ` lines and their `\` continuations. */
function commandsOf(lines: string[]): string {
  const commands: string[] = [];
  let continued = false;
  for (const line of lines) {
    if (continued) commands.push(line);
    else if (line.startsWith('$ ')) commands.push(line.slice(2));
    else continue;
    continued = line.endsWith('\\');
  }
  return commands.join('\n');
}

test('every command block copies its commands without prompts or output, as lines a shell runs', async () => {
  const { url, context } = await fixture.ready();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin });
  let checked = 0;
  for (const path of builtPages().filter((p) => p !== '/404.html')) {
    const page = await context.newPage();
    await page.goto(url + path);
    const frames = page.locator('.expressive-code figure:has(pre[data-language="console"], pre[data-language="sh"], pre[data-language="shell"], pre[data-language="bash"])');
    for (let i = 0; i < (await frames.count()); i++) {
      const frame = frames.nth(i);
      const lines = (await frame.locator('.ec-line').allTextContents()).map((l) => l.replace(/\n$/, ''));
      if (!lines.some((l) => l.startsWith('$ '))) continue;
      const panel = await frame.evaluate((el) => el.closest('[role="tabpanel"]')?.id ?? null);
      if (panel) await page.locator(`[role="tab"][href="#${panel}"]`).click();
      await page.evaluate(() => navigator.clipboard.writeText(''));
      await frame.locator('.copy button').click();
      const want = commandsOf(lines);
      const where = `${path}, command block ${i + 1}: ${lines[0]}`;
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText()), { message: where }).toBe(want);
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect.soft(copied.split('\n').some((l) => l.startsWith('$')), `${where}: no prompt`).toBe(false);
      // A shell reads it as commands: bash parses it without running it.
      expect.soft(() => execFileSync('bash', ['-n'], { input: copied }), where).not.toThrow();
      checked++;
    }
    await page.close();
  }
  expect(checked, 'the site has command blocks').toBeGreaterThan(5);
});

test('a block of several commands copies one command per line, continuation lines included', async () => {
  const { url, context } = await fixture.ready();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin });
  const page = await context.newPage();
  await page.goto(`${url}/check/`);
  await page.evaluate(() => navigator.clipboard.writeText(''));
  // Either approach's tab: the tabs remember the reader's choice.
  await page.locator('.expressive-code figure:has(pre[data-language="console"])').filter({ visible: true }).first().locator('.copy button').click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toMatch(/^nix eval --json [^\n]*\nnix eval [^\n]*\nnix eval [^\n]*\\\n {4}'c: let/);
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).not.toContain('["qc71-slimbook-laptop"]');
  expect(copied.split('\n')).not.toContain('true');
  await page.close();
});
