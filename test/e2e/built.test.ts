/**
 * The guide as CI builds it: every package compiled against the stand-in's Linux tree, the
 * unpatched driver failing as the troubleshooting page says, and the page saying what the
 * modules were built against.
 */
import { describe, expect, test } from 'vitest';
import { e2eFixture } from './support/fixture.ts';

const fixture = e2eFixture();
/** The systems' kernel, Linux 6.12 from Debian's source. */
const KERNEL = /^Linux 6\.12\.\d+$/;
/** Every kernel the guide's modules were built against: the default and the newest source. */
const KERNELS = [expect.stringMatching(KERNEL), expect.stringMatching(/^Linux [7-9]\.\d+\.\d+$/)];

describe('the guide at the build level', () => {
  test('every system with the module was built, against the stand-in’s real kernel', async () => {
    const { report } = await fixture.ready();
    expect(report.levelRequested).toBe('boot');
    expect(report.caps).toEqual([]);
    expect(report.builtAgainst).toEqual(KERNELS);
    for (const name of ['simple', 'system']) {
      const flake = report.flakes.find((f) => f.name === name)!;
      expect(flake).toMatchObject({ level: 'boot', status: 'verified', cap: null });
      expect(flake.checks).toContainEqual({ name: "qc71_laptop.ko is built for the system's kernel", status: 'verified' });
    }
    const pkg = report.blocks.find((b) => b.page.endsWith('package.mdx') && b.file === 'qc71-slimbook-laptop.nix')!;
    expect(pkg).toMatchObject({ status: 'verified', level: 'boot' });
  });

  test('the unpatched driver fails to compile, as the troubleshooting page shows', async () => {
    const { report } = await fixture.ready();
    const block = report.blocks.find((b) => b.role === 'expected-failure' && b.reason === "return type defaults to 'int'")!;
    expect(block).toMatchObject({ status: 'verified', level: 'build' });
  });

  test('the package page says once what its modules were built against, and that it was not nixpkgs', async () => {
    const { url, context } = await fixture.ready();
    const page = await context.newPage();
    await page.goto(`${url}/package/`);
    const env = page.locator('.vs-page-env');
    await expect.poll(() => env.locator('.vs-kernel').textContent()).toMatch(KERNEL);
    expect(await env.locator('.vs-nixpkgs').textContent()).toBe('the offline stand-in, not nixpkgs');
    expect(await page.locator('.vs-kernel').count()).toBe(1);
    await page.close();
  });

  test('the NUR flake’s checks are built for both kernels, and its page names them', async () => {
    const { url, context, report } = await fixture.ready();
    const nur = report.flakes.find((f) => f.name === 'nur')!;
    expect(nur).toMatchObject({ level: 'build', status: 'verified', notBuilt: [] });
    expect(nur.builtAgainst).toEqual(KERNELS);
    expect(report.flakes.every((f) => f.notBuilt.length === 0)).toBe(true);
    const page = await context.newPage();
    await page.goto(`${url}/nur/`);
    const kernels = page.locator('.vs-page-env .vs-kernel');
    await expect.poll(() => kernels.textContent()).toMatch(/^Linux 6\.12\.\d+ and Linux [7-9]\.\d+\.\d+$/);
    expect(await page.locator('.vs-not-built').count()).toBe(0);
    // Each mark of a built block names them too.
    const marks = page.locator('.vs[data-level="build"] .vs-kernels, .vs[data-level="boot"] .vs-kernels');
    expect(await marks.count()).toBe(report.blocks.filter((b) => b.page.endsWith('nur.mdx') && (b.level === 'build' || b.level === 'boot')).length);
    expect(await marks.first().textContent()).toMatch(/^for Linux 6\.12\.\d+ and Linux [7-9]\.\d+\.\d+$/);
    await page.goto(`${url}/verification/`);
    await expect.poll(() => page.locator('dd.vs-kernel').textContent()).toMatch(/^built against Linux 6\.12\.\d+ and Linux [7-9]\.\d+\.\d+ \(Debian's sources, configured like NixOS's\) in the offline stand-in, not nixpkgs$/);
    expect(await page.locator('dd.vs-not-built').count()).toBe(0);
    await page.close();
  });

  test('the runtime blocks of Check your work ran in the virtual Slimbook Hero, and their marks say so', async () => {
    const { url, context, report } = await fixture.ready();
    const runtime = report.blocks.filter((b) => b.page.endsWith('check.mdx') && b.role === 'command' && /lsmod|vermagic/.test(b.code));
    expect(runtime).toHaveLength(2);
    for (const block of runtime) expect(block).toMatchObject({ status: 'verified', level: 'boot' });
    const simple = report.flakes.find((f) => f.name === 'simple')!;
    expect(simple.booted).toEqual([expect.objectContaining({ host: 'hero', machine: 'slimbook-hero', kernel: expect.stringMatching(/^6\.12\.\d+$/) })]);
    expect(simple.checks).toContainEqual({ name: 'qc71_laptop is loaded after boot', status: 'verified' });
    const page = await context.newPage();
    await page.goto(`${url}/check/`);
    const mark = page.locator(`.vs[data-block="${runtime[0]!.id}"]`);
    await expect.poll(() => mark.locator('.vs-booted').textContent()).toMatch(/^loaded on a virtual Slimbook Hero \(host hero\), Linux 6\.12\.\d+ of the offline stand-in$/);
    await page.goto(`${url}/verification/`);
    expect(await page.locator('dd.vs-booted').textContent()).toMatch(/host hero of the simple flake, Linux 6\.12\.\d+, on a virtual Slimbook Hero/);
    await page.close();
  });
});
