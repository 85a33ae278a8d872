/**
 * Pointing at the cause: each test breaks the drift fixture one way and asserts the one page
 * line the verifier names, where the nearest Nix position would be elsewhere.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GUIDE, GUIDE_PAGES, runVerifier, type Edit, type VerifierRun } from './run-verifier.ts';

const PAGES = ['simple.mdx', 'nur.mdx'];
let run: VerifierRun | undefined;
afterEach(async () => {
  await run?.cleanup();
  run = undefined;
});

const drift = (edits: Edit[]) => runVerifier('drift', PAGES, edits, ['--offline']);

describe('pointing at the cause', () => {
  it('a package called with pkgs.callPackage: the call, not the package’s argument list', async () => {
    run = await drift([
      {
        page: 'simple.mdx',
        from: 'module = config.boot.kernelPackages.callPackage ./module.nix { };',
        to: 'module = pkgs.callPackage ./module.nix { inherit (config.boot.kernelPackages) kernel; };',
      },
    ]);
    expect(run.exitCode, run.stderr).toBe(1);
    const call = await run.lineOf('simple.mdx', 'module = pkgs.callPackage ./module.nix { inherit');
    const causes = run.report!.diagnostics.filter((d) => /called without required argument "kernelModuleMakeFlags"/.test(d.reason));
    expect(causes.map((d) => d.place?.line)).toEqual([call]);
    expect(causes[0]!.notes).toEqual(expect.arrayContaining([expect.stringMatching(/also at .*simple\.mdx:\d+:1$/)]));
  });

  it('one root cause, one diagnostic: an expected failure broken by the same mistake is a note', async () => {
    run = await drift([{ page: 'simple.mdx', from: 'module = config.boot', to: 'module = confg.boot' }]);
    expect(run.exitCode, run.stderr).toBe(1);
    const undefinedVariable = run.report!.diagnostics.filter((d) => /undefined variable 'confg'/.test(d.reason));
    expect(undefinedVariable).toHaveLength(1);
    expect(run.report!.diagnostics.filter((d) => d.ruleId === 'expected-failure')).toEqual([]);
    const claimLine = await run.lineOf('simple.mdx', `fails='"qc71_laptop is in boot.kernelModules" does not hold'`);
    expect(undefinedVariable[0]!.notes).toContain(`it also breaks the expected failure at ${run.pagePath('simple.mdx')}:${claimLine}`);
    expect(run.report!.blocks.find((b) => b.line === claimLine)).toMatchObject({ status: 'failed', message: expect.stringMatching(/^Not checked: its flake fails first/) });
  });

  it('a missing path: the line that spells it, relative to its file, never a lone last component elsewhere', async () => {
    run = await drift([{ page: 'nur.mdx', from: 'directory = ../pkgs/linux-packages;', to: 'directory = ./linux-packages;' }]);
    expect(run.exitCode, run.stderr).toBe(1);
    const line = await run.lineOf('nur.mdx', 'directory = ./linux-packages;');
    expect(run.report!.diagnostics.filter((d) => d.ruleId === 'eval').map((d) => d.place?.line)).toContain(line);
    expect(run.stderr).toContain(`${run.pagePath('nur.mdx')}:${line}:23`);
  });

  it('an infinite recursion is placed at the line that recurses, never at flake.nix', async () => {
    const edit = 'boot.kernelModules = [ "qc71_laptop" ] ++ config.boot.kernelModules;';
    run = await drift([{ page: 'simple.mdx', from: 'boot.kernelModules = [ "qc71_laptop" ];', to: edit }]);
    expect(run.exitCode, run.stderr).toBe(1);
    const recursion = run.report!.diagnostics.filter((d) => /infinite recursion/.test(d.reason));
    expect(recursion).toHaveLength(1);
    // Current Nix gives the position of the recursive reference (Nix 2.8 gave none; see the unit tests).
    expect(recursion[0]).toMatchObject({ file: run.pagePath('simple.mdx'), place: { line: await run.lineOf('simple.mdx', edit), column: edit.indexOf('config.boot') + 1 } });
  });
});

describe('a claim that fails because of what a page defines', () => {
  it('is at the page line that defines what the claim reads (a check copied for the wrong kernel set), with the claim named', async () => {
    const from = '          qc71-slimbook-laptop-latest = pkgs.linuxPackages_latest.qc71-slimbook-laptop;';
    run = await runVerifier(GUIDE, GUIDE_PAGES, [{ page: 'nur.mdx', from, to: from.replace('linuxPackages_latest', 'linuxPackages_6_12') }], ['--offline', '--level', 'eval']);
    expect(run.exitCode, run.stderr).toBe(1);
    const found = run.report!.diagnostics.find((d) => d.ruleId === 'check')!;
    expect(found.reason).toContain('Check failed: "the flake\'s checks build the module for linuxPackages and linuxPackages_latest" does not hold.');
    expect(found).toMatchObject({ file: run.pagePath('nur.mdx'), place: expect.objectContaining({ line: await run.lineOf('nur.mdx', '      checks = forAllSystems (') }) });
    expect(found.notes).toEqual([expect.stringMatching(/^the claim is at .*nur\.checks\.nix:\d+$/)]);
  });

  it('a function where boot.extraModulePackages wants a package: at the line that sets the option', async () => {
    const from = 'qc71-slimbook-laptop = config.boot.kernelPackages.callPackage ./qc71-slimbook-laptop.nix { };';
    run = await runVerifier(GUIDE, GUIDE_PAGES, [{ page: 'simple.mdx', from, to: from.replace(' { };', ';') }], ['--offline', '--level', 'eval']);
    expect(run.exitCode, run.stderr).toBe(1);
    const found = run.report!.diagnostics.find((d) => /is not of type `package'/.test(d.reason))!;
    expect(found).toMatchObject({ file: run.pagePath('simple.mdx'), place: { line: await run.lineOf('simple.mdx', 'boot.extraModulePackages = [ qc71-slimbook-laptop ];'), column: 1 } });
    // Said as the reader knows the file, not as a store path.
    expect(found.reason).toContain("- In `configuration.nix': <function>");
  });

  it('a renamed host that a claim reads: at the page line that names the hosts, not in the checks file', async () => {
    run = await runVerifier(GUIDE, GUIDE_PAGES, [{ page: 'simple.mdx', from: 'nixosConfigurations.hero =', to: 'nixosConfigurations.laptop =' }], ['--offline', '--level', 'eval']);
    expect(run.exitCode, run.stderr).toBe(1);
    const found = run.report!.diagnostics.find((d) => /attribute 'hero' missing/.test(d.reason))!;
    expect(found).toMatchObject({ file: run.pagePath('simple.mdx'), place: expect.objectContaining({ line: await run.lineOf('simple.mdx', 'nixosConfigurations.laptop =') }) });
    expect(found.notes).toContainEqual(expect.stringMatching(/^also at .*simple\.checks\.nix:\d+:\d+$/));
  });

  it('a package file imported as a NixOS module: at the line that imports it, not at the file', async () => {
    run = await runVerifier(GUIDE, GUIDE_PAGES, [{ page: 'simple.mdx', from: '        modules = [ ./configuration.nix ];', to: '        modules = [\n          ./configuration.nix\n          ./qc71-slimbook-laptop.nix\n        ];' }], ['--offline', '--level', 'eval']);
    expect(run.exitCode, run.stderr).toBe(1);
    const found = run.report!.diagnostics.find((d) => /called with unexpected argument 'config'/.test(d.reason))!;
    expect(found).toMatchObject({ file: run.pagePath('simple.mdx'), place: { line: await run.lineOf('simple.mdx', '          ./qc71-slimbook-laptop.nix'), column: 11 } });
  });
});

