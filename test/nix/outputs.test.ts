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

  it('a NUR flake that exports packages instead of legacyPackages: what nix flake check rejects, at the output, and the claim', async () => {
    run = await outputs([{ page: 'nur.md', from: '      legacyPackages = forAllSystems', to: '      packages = forAllSystems' }]);
    await expectDriftAt(run, '      packages = forAllSystems', /^The flake output `packages\.x86_64-linux\.overlays` is not a derivation \(a set of packages belongs in `legacyPackages`\), so `nix flake check` rejects it/);
    expect(run.stderr).toContain('Check failed: "legacyPackages exposes the linux-packages overlay" does not hold.');
  });

  it.each([
    ['an app without its program', '      checks = forAllSystems', '      apps.x86_64-linux.hello = { type = "app"; };\n\n      checks = forAllSystems', /`apps\.x86_64-linux\.hello` is not an app/],
    ['a devShell that is a set', '      checks = forAllSystems', '      devShells.x86_64-linux.default = { };\n\n      checks = forAllSystems', /`devShells\.x86_64-linux\.default` is not a derivation/],
    ['a template without a description', '      checks = forAllSystems', '      templates.module = { path = ./.; };\n\n      checks = forAllSystems', /`templates\.module` is not a template/],
  ])('%s, as nix flake check rejects it', async (_kind, from, to, reason) => {
    run = await outputs([{ page: 'nur.md', from, to }]);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.report!.diagnostics.map((d) => d.reason)).toContainEqual(expect.stringMatching(reason));
  });
});
