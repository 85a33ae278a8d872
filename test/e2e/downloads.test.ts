/**
 * Flake downloads: every assembled flake (variants excepted) has an archive that unpacks to
 * exactly the tree the verifier evaluated, downloaded through the page's own link; flakes
 * that use other flakes offer those too.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { extract } from 'tar';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { pageUrl, siteBlocks } from './support/report.ts';
import { ROOT, VERIFY_DIR } from './support/site.ts';
import { e2eFixture } from './support/fixture.ts';

const fixture = e2eFixture();
let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'e2e-downloads-'));
});
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Every file under `dir`: relative path → bytes and mode. */
function tree(dir: string): Map<string, { bytes: Buffer; executable: boolean }> {
  const files = new Map<string, { bytes: Buffer; executable: boolean }>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, e.name);
      if (e.isDirectory()) walk(path);
      else files.set(relative(dir, path).split(sep).join('/'), { bytes: readFileSync(path), executable: (statSync(path).mode & 0o111) !== 0 });
    }
  };
  walk(dir);
  return files;
}

test('each assembled flake downloads from the verification page and unpacks to exactly the verified tree', async () => {
  const { url, context, report } = await fixture.ready();
  const flakes = report.flakes.filter((f) => f.variantOf === null);
  expect(flakes.length).toBeGreaterThan(0);
  const page = await context.newPage();
  await page.goto(`${url}/verification/`);
  for (const flake of flakes) {
    const link = page.locator(`.vs-card[data-flake="${flake.name}"] a.vs-download-primary`);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const archive = join(scratch, `${flake.name}.tar.gz`);
    await download.saveAs(archive);
    const out = join(scratch, flake.name);
    rmSync(out, { recursive: true, force: true });
    await import('node:fs').then((fs) => fs.mkdirSync(out, { recursive: true }));
    await extract({ file: archive, cwd: out });
    // The folder the pages name (`hero/`, `nur-packages/`), not the verifier's flake name.
    expect(readdirSync(out), `${flake.name}: one top-level directory`).toEqual([flake.folder]);

    const got = tree(join(out, flake.folder));
    const want = tree(join(VERIFY_DIR, 'flakes', flake.name));
    // Every download says what it is, and what to replace and keep.
    expect(got.get('README.md')?.bytes.toString('utf8'), `${flake.name}: a README.md`).toMatch(/^# .*\n[\s\S]*## Replace[\s\S]*## Keep/);
    expect([...got.keys()].sort(), flake.name).toEqual([...want.keys()].sort());
    for (const [path, file] of want) {
      expect.soft(got.get(path)?.bytes.equals(file.bytes), `${flake.name}/${path}: same bytes`).toBe(true);
      expect.soft(got.get(path)?.executable, `${flake.name}/${path}: same executable bit`).toBe(file.executable);
    }
  }
  await page.close();
});

test('variant flakes (expected failures) are not offered for download', async () => {
  const { url, report } = await fixture.ready();
  for (const variant of report.flakes.filter((f) => f.variantOf !== null)) {
    const response = await fetch(`${url}/downloads/${encodeURIComponent(variant.name)}.tar.gz`);
    expect.soft(response.status, variant.name).toBe(404);
    await response.arrayBuffer();
  }
});

test('a block of a flake that uses other assembled flakes offers all of them', async () => {
  const { url, context, report } = await fixture.ready();
  const linked = report.flakes.filter((f) => f.variantOf === null && Object.keys(f.links).length > 0);
  expect(linked.length, 'approach 2: the system flake uses the NUR repository').toBeGreaterThan(0);
  for (const flake of linked) {
    const block = siteBlocks(report).find((b) => b.flake === flake.name && b.role !== 'exempt');
    if (!block) continue;
    const page = await context.newPage();
    await page.goto(url + pageUrl(block.page));
    const hrefs = await page.locator(`.vs[data-block="${block.id}"] a.vs-download`).evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const name of [flake.name, ...Object.values(flake.links)]) {
      expect.soft(hrefs, `${block.id} offers ${name}`).toContain(`/downloads/${name}.tar.gz`);
    }
    await page.close();
  }
});

test('the approach-2 pair works as shipped: each README says what to replace and keep, and its command evaluates', async () => {
  const { url, report } = await fixture.ready();
  const pair = join(scratch, 'pair');
  await import('node:fs').then((fs) => fs.mkdirSync(pair, { recursive: true }));
  for (const name of ['system', 'nur']) {
    const archive = join(scratch, `pair-${name}.tar.gz`);
    const response = await fetch(`${url}/downloads/${name}.tar.gz`);
    expect(response.status, name).toBe(200);
    await import('node:fs').then(async (fs) => fs.writeFileSync(archive, Buffer.from(await response.arrayBuffer())));
    await extract({ file: archive, cwd: pair });
  }
  expect(readdirSync(pair).sort()).toEqual(['hero', 'nur-packages']);
  for (const folder of ['hero', 'nur-packages']) {
    const readme = readFileSync(join(pair, folder, 'README.md'), 'utf8');
    expect(readme, folder).toMatch(/## Replace/);
    expect(readme, folder).toMatch(/## Keep/);
    // A lock ships only for a locked real nixpkgs, and then names the verified revision.
    const lock = join(pair, folder, 'flake.lock');
    if (report.nixpkgs.kind === 'pinned' && report.nixpkgs.locked) {
      expect(JSON.parse(readFileSync(lock, 'utf8')).nodes.nixpkgs.locked).toEqual(report.nixpkgs.locked);
    } else {
      expect(() => statSync(lock), `${folder}: no flake.lock for ${report.nixpkgs.label}`).toThrow();
    }
  }
  const readme = readFileSync(join(pair, 'hero/README.md'), 'utf8');
  expect(readme).toContain('stateVersion');
  expect(readme).toContain('hardware-configuration.nix');
  // Exactly the command the README gives, with only nixpkgs overridden (the stand-in, offline).
  const command = readme.split('\n').find((line) => line.startsWith('nix eval '))!;
  expect(command).toContain('--override-input nur');
  const standin = join(ROOT, 'scripts/verifier/nixpkgs-standin');
  const result = spawnSync('bash', ['-c', `${command} --override-input nixpkgs path:${standin}`], { cwd: join(pair, 'hero'), env: { ...process.env, NIX_CONFIG: 'experimental-features = nix-command flakes' }, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  expect(result.stdout.trim()).toMatch(/^"\/nix\/store\/[0-9a-z]{32}-nixos-system-hero-[^"]*\.drv"$/);
});
