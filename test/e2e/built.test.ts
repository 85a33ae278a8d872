/**
 * The guide as CI builds it: every package compiled against the stand-in's Linux tree, the
 * unpatched driver failing as the troubleshooting page says, and the page saying what the
 * modules were built against.
 */
import { describe, expect, test } from 'vitest';
import { e2eFixture } from './support/fixture.ts';

const fixture = e2eFixture();
const KERNEL = /^Linux 6\.12\.\d+ \(Debian source, NixOS-like configuration\)$/;

describe('the guide at the build level', () => {
  test('every system with the module was built, against the stand-in’s real kernel', async () => {
    const { report } = await fixture.ready();
    expect(report.levelRequested).toBe('build');
    expect(report.caps).toEqual([]);
    expect(report.builtAgainst).toEqual([expect.stringMatching(KERNEL)]);
    for (const name of ['simple', 'system']) {
      const flake = report.flakes.find((f) => f.name === name)!;
      expect(flake).toMatchObject({ level: 'build', status: 'verified', cap: null });
      expect(flake.checks).toContainEqual({ name: "qc71_laptop.ko is built for the system's kernel", status: 'verified' });
    }
    const pkg = report.blocks.find((b) => b.page.endsWith('package.mdx') && b.file === 'qc71-slimbook-laptop.nix')!;
    expect(pkg).toMatchObject({ status: 'verified', level: 'build' });
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

  test('the NUR page says which of its checks the stand-in evaluated without building', async () => {
    const { url, context, report } = await fixture.ready();
    // The kernel matrix: the default kernel's check is built, linuxPackages_latest's is not here.
    const nur = report.flakes.find((f) => f.name === 'nur')!;
    expect(nur).toMatchObject({ level: 'build', status: 'verified' });
    expect(nur.notBuilt).toEqual([{ name: 'checks.qc71-slimbook-laptop-latest', reason: expect.stringMatching(/^offline stand-in: no source for Linux 6\.18\.\d+\./) }]);
    const page = await context.newPage();
    await page.goto(`${url}/nur/`);
    const notBuilt = page.locator('.vs-page-env .vs-not-built');
    await expect.poll(() => notBuilt.textContent()).toMatch(/evaluated but not built here: checks\.qc71-slimbook-laptop-latest \(offline stand-in: no source for Linux 6\.18\.\d+\)/);
    // The marks of the flake's blocks say "Built", and name the part that was not.
    const marks = page.locator(`.vs[data-level="build"]`).filter({ has: page.locator('.vs-part') });
    expect(await marks.count()).toBe(report.blocks.filter((b) => b.page.endsWith('nur.mdx') && b.flake === 'nur' && b.level === 'build').length);
    expect(await marks.count()).toBeGreaterThan(0);
    expect(await marks.first().locator('.vs-part').textContent()).toBe('not built here: checks.qc71-slimbook-laptop-latest');
    await page.goto(`${url}/verification/`);
    expect(await page.locator('dd.vs-not-built').textContent()).toMatch(/checks\.qc71-slimbook-laptop-latest of the nur flake: offline stand-in: no source for Linux 6\.18/);
    // Pages whose flakes built everything say nothing of the kind.
    await page.goto(`${url}/simple/`);
    expect(await page.locator('.vs-not-built').count()).toBe(0);
    expect(await page.locator('.vs-part').count()).toBe(0);
    await page.close();
  });
});
