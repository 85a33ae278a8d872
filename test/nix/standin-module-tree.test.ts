/**
 * The system's module tree, as the stand-in builds it after nixpkgs' aggregateModules
 * (pkgs/os-specific/linux/kmod/aggregator.nix) and buildEnv (pkgs/build-support/buildenv):
 * built for real, and failing with nixpkgs' words where nixpkgs' system build fails.
 */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NIX_ENV, STANDIN } from './standin-tools.ts';

/** A package that installs one module file, `text`, for kernel `version`. */
const moduleTree = (name: string, version: string, text: string) =>
  `(pkgs.runCommand "${name}" { } ''mkdir -p $out/lib/modules/${version}/extra; echo ${text} > $out/lib/modules/${version}/extra/qc71_laptop.ko'')`;

function build(expr: string): Promise<{ ok: boolean; out: string; stderr: string }> {
  const full = `let pkgs = import ${STANDIN} { system = "x86_64-linux"; }; in ${expr}`;
  return new Promise((done) =>
    execFile('nix-build', ['--no-out-link', '-E', full], { env: NIX_ENV, maxBuffer: 16 << 20, timeout: 120_000 }, (error, stdout, stderr) =>
      done({ ok: !error, out: stdout.trim(), stderr }),
    ),
  );
}

describe('aggregateModules', () => {
  it('merges module trees of one kernel, and indexes them with depmod', async () => {
    const result = await build(`pkgs.aggregateModules [ ${moduleTree('a', '6.12.1', 'a')} (pkgs.runCommand "b" { } "mkdir -p $out/lib/modules/6.12.1/kernel") ]`);
    expect(result.ok, result.stderr).toBe(true);
    const tree = join(result.out, 'lib/modules/6.12.1');
    expect((await readdir(tree)).sort()).toEqual(expect.arrayContaining(['extra', 'kernel', 'modules.dep']));
  });

  it('fails with buildEnv’s collision when two packages install different files at one path', async () => {
    const result = await build(`pkgs.aggregateModules [ ${moduleTree('yours', '6.12.1', 'yours')} ${moduleTree('nixpkgs', '6.12.1', 'theirs')} ]`);
    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(/collision between `\/nix\/store\/[0-9a-z]{32}-nixpkgs\/lib\/modules\/6\.12\.1\/extra\/qc71_laptop\.ko' and `\/nix\/store\/[0-9a-z]{32}-yours\/lib\/modules\/6\.12\.1\/extra\/qc71_laptop\.ko'/);
  });

  it('takes two identical files at one path, as checkCollisionContents does', async () => {
    const result = await build(`pkgs.aggregateModules [ ${moduleTree('one', '6.12.1', 'same')} ${moduleTree('two', '6.12.1', 'same')} ]`);
    expect(result.ok, result.stderr).toBe(true);
  });

  it('fails for modules of two kernels, the versions one per line, as nixpkgs prints them', async () => {
    const result = await build(`pkgs.aggregateModules [ ${moduleTree('old', '6.12.1', 'a')} ${moduleTree('new', '7.3.4', 'b')} ]`);
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain('inconsistent kernel versions: 6.12.1\n7.3.4');
  });
});

describe('buildEnv', () => {
  it('ignores a collision when asked to', async () => {
    const result = await build(`pkgs.buildEnv { name = "env"; ignoreCollisions = true; paths = [ ${moduleTree('x', '1', 'x')} ${moduleTree('y', '1', 'y')} ]; }`);
    expect(result.ok, result.stderr).toBe(true);
  });
});
