/**
 * The nixpkgs lock: --update-nixpkgs verifies against the pinned branch's head and only then
 * records it; later runs use the recorded revision, and --out ships it as each flake's
 * flake.lock. The "pinned nixpkgs" here is a local Git repository holding a copy of the
 * stand-in, pinned as `git+file:`; the branch moves with a new commit, as nixpkgs' does.
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runVerifier, type Edit, type VerifierRun } from './run-verifier.ts';

const ROOT = resolve(import.meta.dirname, '../..');
let run: VerifierRun | undefined;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lock-'));
  await cp(join(ROOT, 'scripts/verifier/nixpkgs-standin'), join(dir, 'nixpkgs'), { recursive: true });
  git('init', '-q');
  commit('the branch');
});

const git = (...args: string[]) => execFileSync('git', ['-C', join(dir, 'nixpkgs'), ...args], { stdio: 'ignore' });
const commit = (message: string) => {
  git('add', '-A');
  git('-c', 'user.name=test', '-c', 'user.email=test@example.org', 'commit', '-q', '-m', message);
};
const url = () => `git+file://${join(dir, 'nixpkgs')}`;
afterEach(async () => {
  await run?.cleanup();
  run = undefined;
  await rm(dir, { recursive: true, force: true });
});

const pinLocal = (): Edit[] =>
  ['simple.mdx', 'nur.mdx'].map((page) => ({ page, from: 'github:NixOS/nixpkgs/nixos-26.05', to: url(), all: true }));

function verify(args: string[], edits: Edit[] = []) {
  return runVerifier('drift', ['simple.mdx', 'nur.mdx'], [...pinLocal(), ...edits], ['--level', 'eval', '--lock', join(dir, 'lock.json'), ...args]);
}

describe('the nixpkgs lock', () => {
  it('is written only after the guide verifies, then used and shipped as flake.lock', async () => {
    run = await verify(['--update-nixpkgs']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain('now locks nixpkgs git+file:');
    const lock = JSON.parse(await readFile(join(dir, 'lock.json'), 'utf8')) as { url: string; locked: { type: string; narHash: string } };
    expect(lock).toMatchObject({ url: url(), locked: { type: 'git', rev: expect.stringMatching(/^[0-9a-f]{40}$/), narHash: expect.stringMatching(/^sha256-/) } });
    await run.cleanup();

    // Later runs use the lock, and downloads carry it.
    const out = join(dir, 'out');
    run = await verify(['--out', out]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.report!.nixpkgs).toMatchObject({ kind: 'pinned', fromLock: true, narHash: lock.locked.narHash, label: expect.stringMatching(/\(locked\)$/) });
    const flakeLock = JSON.parse(await readFile(join(out, 'simple/flake.lock'), 'utf8')) as { nodes: { nixpkgs: { locked: unknown } }; version: number };
    expect(flakeLock.version).toBe(7);
    expect(flakeLock.nodes.nixpkgs.locked).toEqual(lock.locked);
    await run.cleanup();

    // The branch moves: a run still uses the locked revision; --update-nixpkgs moves the lock.
    await writeFile(join(dir, 'nixpkgs/moved.nix'), '{ }\n');
    commit('the branch moves');
    run = await verify([]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.report!.nixpkgs).toMatchObject({ fromLock: true, narHash: lock.locked.narHash });
    await run.cleanup();
    run = await verify(['--update-nixpkgs']);
    expect(run.exitCode, run.stderr).toBe(0);
    const moved = JSON.parse(await readFile(join(dir, 'lock.json'), 'utf8')) as { locked: { narHash: string } };
    expect(moved.locked.narHash).not.toBe(lock.locked.narHash);
  });

  it('stays as it is when the guide does not verify against the new revision', async () => {
    await writeFile(join(dir, 'lock.json'), '{ "url": "path:/old", "locked": { "type": "path", "path": "/old" } }\n');
    run = await verify(['--update-nixpkgs'], [{ page: 'simple.mdx', from: 'module = config.boot', to: 'module = confg.boot' }]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('The lock stays as it is');
    expect(await readFile(join(dir, 'lock.json'), 'utf8')).toContain('path:/old');
  });
});
