/**
 * Drift detection, end to end: each test breaks the fixture guide one way and asserts the
 * exit code and the exact page line the verifier points at. Needs Nix (CI installs it).
 */
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runVerifier, type Edit, type VerifierRun } from './run-verifier.ts';

const PAGES = ['simple.mdx', 'nur.mdx'];
const OFFLINE = ['--offline'];
/** The upstream sources the guide names, beside the checkout (CI has them there too). */
const SHARED_SOURCES = resolve(import.meta.dirname, '../../../shared/sources');
let run: VerifierRun | undefined;
afterEach(async () => {
  await run?.cleanup();
  run = undefined;
});

async function drift(edits: Edit[]) {
  run = await runVerifier('drift', PAGES, edits, OFFLINE);
  return run;
}

/** The run failed with drift, and one diagnostic names `page:line` (and the column, if given). */
async function expectDriftAt(r: VerifierRun, page: string, needle: string, reason: RegExp, column?: number) {
  const line = await r.lineOf(page, needle);
  expect(r.exitCode, r.stderr).toBe(1);
  const found = r.report!.diagnostics.find((d) => d.file === r.pagePath(page) && d.place?.line === line);
  expect(found, `no diagnostic at ${page}:${line} in:\n${r.stderr}`).toBeDefined();
  expect(found!.reason).toMatch(reason);
  if (column !== undefined) expect(found!.place!.column).toBe(column);
  expect(r.stderr).toContain(`${r.pagePath(page)}:${line}:${found!.place!.column}`);
  return found!;
}

describe('the fixture guide', () => {
  it('verifies as written, at the eval level, against the stand-in', async () => {
    const r = await drift([]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.report!.nixpkgs.kind).toBe('standin');
    expect(r.report!.nixpkgs.label).toMatch(/offline stand-in .* \(not nixpkgs\)/);
    const byRole = Object.groupBy(r.report!.blocks, (b) => `${b.role}:${b.status}:${b.level}`);
    expect(Object.keys(byRole).sort()).toEqual([
      'command:verified:eval',
      'exempt:exempt:null',
      'expected-failure:verified:eval',
      'file:verified:eval',
      'fragment:verified:eval',
    ]);
    expect(r.report!.flakes.find((f) => f.name === 'simple')!.checks).toEqual([
      { name: 'qc71_laptop is in boot.kernelModules', status: 'verified' },
    ]);
  });
});

describe('drift the verifier catches', () => {
  it('a syntax error', async () => {
    const r = await drift([{ page: 'simple.mdx', from: '[ "qc71_laptop" ];', to: '[ "qc71_laptop" ] ];' }]);
    await expectDriftAt(r, 'simple.mdx', '[ "qc71_laptop" ] ];', /syntax error, unexpected '\]'/, 40);
  });

  it('an undefined variable', async () => {
    const r = await drift([{ page: 'simple.mdx', from: 'module = config.boot', to: 'module = confg.boot' }]);
    await expectDriftAt(r, 'simple.mdx', 'module = confg.boot', /undefined variable 'confg'/, 10);
  });

  it('a misspelled attribute', async () => {
    const r = await drift([{ page: 'simple.mdx', from: '${kernel.modDirVersion}/build', to: '${kernel.modDirVersio}/build' }]);
    await expectDriftAt(r, 'simple.mdx', 'kernel.modDirVersio}/build', /attribute 'modDirVersio' missing/);
  });

  it('a misspelled NixOS option', async () => {
    const r = await drift([{ page: 'simple.mdx', from: 'boot.extraModulePackages = [ module ];', to: 'boot.extraModulePackage = [ module ];' }]);
    await expectDriftAt(r, 'simple.mdx', 'boot.extraModulePackage =', /The option `boot.extraModulePackage' does not exist/);
  });

  it('a callPackage argument nothing provides', async () => {
    const r = await drift([{ page: 'simple.mdx', from: '  kernelModuleMakeFlags,\n}:', to: '  kernelModuleMakeFlags,\n  kmodTools,\n}:' }]);
    await expectDriftAt(r, 'simple.mdx', '  kmodTools,', /Function called without required argument "kmodTools"/);
  });

  it('an overlay name that the NUR repository does not export', async () => {
    const r = await drift([{ page: 'nur.mdx', from: 'nur.overlays.linux-packages', to: 'nur.overlays.linuxPackages' }]);
    await expectDriftAt(r, 'nur.mdx', 'nur.overlays.linuxPackages', /attribute 'linuxPackages' missing/);
  });

  it('a directory that does not match the repository layout', async () => {
    const r = await drift([{ page: 'nur.mdx', from: 'directory = ../pkgs/linux-packages;', to: 'directory = ../pkgs/linux-package;' }]);
    await expectDriftAt(r, 'nur.mdx', 'directory = ../pkgs/linux-package;', /linux-package/);
  });

  it('an expected failure that stops failing, once built', async () => {
    const edit = {
      page: 'simple.mdx',
      from: 'module = pkgs.callPackage ./module.nix { kernel = config.boot.kernelPackages.kernel; };',
      to: 'module = config.boot.kernelPackages.callPackage ./module.nix { };',
    };
    // The copy evaluates, so it is built: the failure might have been a build failure.
    const r = (run = await runVerifier('drift', PAGES, [edit], [...OFFLINE, '--sources', SHARED_SOURCES]));
    await expectDriftAt(r, 'simple.mdx', 'fails=', /but Nix evaluated and built it without error/, 1);
    const line = await r.lineOf('simple.mdx', 'fails=');
    expect(r.report!.flakes.find((f) => f.name === `simple~simple-${line}`)).toMatchObject({ status: 'failed' });
    expect(r.report!.flakes.filter((f) => f.variantOf && f.name !== `simple~simple-${line}`).every((f) => f.status === 'verified')).toBe(true);

  });

  it('a mistake shown as breaking a declared claim that stops breaking it', async () => {
    const r = await drift([{ page: 'simple.mdx', from: 'boot.kernelModules = [ "qc71-slimbook-laptop" ];', to: 'boot.kernelModules = [ "qc71_laptop" ];' }]);
    const found = await expectDriftAt(r, 'simple.mdx', `fails='"qc71_laptop is in boot.kernelModules" does not hold'`, /every declared check held/, 1);
    expect(found.ruleId).toBe('expected-failure');
  });

  it('a command whose output changed', async () => {
    const r = await drift([{ page: 'simple.mdx', from: 'boot.kernelModules = [ "qc71_laptop" ];', to: 'boot.kernelModules = [ "qc71-laptop" ];' }]);
    const found = await expectDriftAt(r, 'simple.mdx', '$ nix eval .#nixosConfigurations.hero', /output of this command changed/, 1);
    expect(found.reason).toContain('The page shows:\n    true\nNix printed:\n    false');
    // The declared check fails too: at the block that set the option it names, with the claim's own line as a note.
    const claim = r.report!.diagnostics.find((d) => d.ruleId === 'check')!;
    expect(claim).toMatchObject({ file: r.pagePath('simple.mdx'), place: { line: await r.lineOf('simple.mdx', 'boot.kernelModules = [ "qc71-laptop" ];') } });
    expect(claim.notes).toEqual([expect.stringMatching(/^the claim is at .*simple\.checks\.nix:6$/)]);
  });

  it('reports every failure of a run, not just the first', async () => {
    const r = await drift([
      { page: 'simple.mdx', from: 'module = config.boot', to: 'module = confg.boot' },
      { page: 'nur.mdx', from: 'nur.overlays.linux-packages', to: 'nur.overlays.linuxPackages' },
    ]);
    await expectDriftAt(r, 'simple.mdx', 'module = confg.boot', /undefined variable/);
    await expectDriftAt(r, 'nur.mdx', 'nur.overlays.linuxPackages', /attribute 'linuxPackages' missing/);
  });
});

describe('fetch and build, for real', () => {
  it('builds a derivation that needs no network', async () => {
    run = await runVerifier('drift/fetch', ['fetch.md'], [], ['--offline', '--level', 'build']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.report!.blocks[0]).toMatchObject({ status: 'verified', level: 'build' });
    expect(run.report!.flakes[0]).toMatchObject({ name: 'hello', level: 'build', status: 'verified' });
  });

  it('catches a hash that does not match the source, at the line of the hash', async () => {
    run = await runVerifier(
      'drift/fetch',
      ['fetch.md'],
      [{ page: 'fetch.md', from: 'sha256-WJG1tSLV3whtD', to: 'sha256-AJG1tSLV3whtD' }],
      ['--offline', '--level', 'fetch'],
    );
    const found = await expectDriftAt(run, 'fetch.md', 'outputHash = "sha256-AJG1', /hash does not match/, 23);
    expect(found.reason).toContain('Nix got:       sha256-WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM=');
  });
});

describe('problems with the annotations themselves (exit 2, before any Nix runs)', () => {
  it('an unannotated nix block', async () => {
    run = await drift([{ page: 'simple.mdx', from: '```nix flake="simple" title="configuration.nix" slot="body"', to: '```nix' }]);
    expect(run.exitCode).toBe(2);
    const line = await run.lineOf('simple.mdx', 'boot.extraModulePackages = [ module ];');
    expect(run.stderr).toContain(`${run.pagePath('simple.mdx')}:${line - 1}:1: error [annotation]`);
    expect(run.stderr).toContain('This `nix` block has no annotation');
  });

  it('two blocks for one file', async () => {
    run = await drift([{ page: 'nur.mdx', from: 'title="pkgs/linux-packages/qc71-slimbook-laptop/package.nix"', to: 'title="overlays/linux-packages.nix"' }]);
    expect(run.exitCode).toBe(2);
    const first = await run.lineOf('nur.mdx', 'title="overlays/linux-packages.nix"');
    const second = await run.lineOf('nur.mdx', 'title="overlays/linux-packages.nix"\n{\n  stdenv');
    expect(run.stderr).toContain(
      `${run.pagePath('nur.mdx')}:${second}:1: error [assembly]\n  \`overlays/linux-packages.nix\` of flake \`nur\` is already given by the block at ${run.pagePath('nur.mdx')}:${first}.`,
    );
  });

  it('an unknown annotation key', async () => {
    run = await drift([{ page: 'simple.mdx', from: '```nix flake="simple" title="module.nix"', to: '```nix flake="simple" titel="module.nix"' }]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('Unknown annotation key `titel`. Did you mean `title`?');
  });
});
