/**
 * Every output of a flake is evaluated, as `nix flake check` would: its checks, its overlays
 * (also under legacyPackages, the NUR layout), and the attributes a checks file names.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runVerifier, type Edit, type VerifierRun } from './run-verifier.ts';

let run: VerifierRun | undefined;
afterEach(async () => {
  await run?.cleanup();
  run = undefined;
});

const outputs = (edits: Edit[], args: string[] = []) => runVerifier('outputs', ['nur.md'], edits, ['--offline', ...args]);

async function expectDriftAt(r: VerifierRun, needle: string, reason: RegExp) {
  expect(r.exitCode, r.stderr).toBe(1);
  const line = await r.lineOf('nur.md', needle);
  const found = r.report!.diagnostics.find((d) => d.file === r.pagePath('nur.md') && d.place?.line === line);
  expect(found, `no diagnostic at nur.md:${line} in:\n${r.stderr}`).toBeDefined();
  expect(found!.reason).toMatch(reason);
}

describe('every output of a flake', () => {
  it('verifies as written, checks built at the build level', async () => {
    run = await outputs([], ['--level', 'build']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.report!.flakes[0]).toMatchObject({ level: 'build', status: 'verified' });
    expect(run.report!.flakes[0]!.checks).toEqual([{ name: 'legacyPackages exposes the linux-packages overlay', status: 'verified' }]);
  });

  it('a typo in the flake’s checks', async () => {
    run = await outputs([{ page: 'nur.md', from: 'inherit (pkgs.linuxPackages) hello;', to: 'inherit (pkgs.linuxPackages) helo;' }]);
    await expectDriftAt(run, 'inherit (pkgs.linuxPackages) helo;', /attribute 'helo' missing/);
  });

  it('a typo in default.nix’s import of the overlays', async () => {
    run = await outputs([{ page: 'nur.md', from: 'overlays = import ./overlays;\n}', to: 'overlays = import ./overlay;\n}' }]);
    await expectDriftAt(run, 'overlays = import ./overlay;', /overlay/);
  });

  it('an overlay that is not a function', async () => {
    run = await outputs([{ page: 'nur.md', from: 'overlays = import ./overlays;\n\n      checks', to: 'overlays = import ./overlays // { broken = { }; };\n\n      checks' }]);
    await expectDriftAt(run, 'overlays = import ./overlays // {', /`overlays.broken` is not an overlay, a function `final: prev: \{ … \}`/);
  });

  it('a NUR flake that exports packages instead of legacyPackages breaks the claim the guide makes', async () => {
    run = await outputs([{ page: 'nur.md', from: '      legacyPackages = forAllSystems', to: '      packages = forAllSystems' }]);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stderr).toContain('Check failed: "legacyPackages exposes the linux-packages overlay" does not hold.');
  });
});
