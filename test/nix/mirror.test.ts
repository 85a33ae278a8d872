/**
 * The fetch level without a network: sources come from a mirror of tarballs, which the
 * verifier hashes itself before Nix gets them. Each test makes its own small tree, with a
 * nonce, so no earlier run has put it in the store already.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NIX_ENV, runVerifier, type VerifierRun } from './run-verifier.ts';

let run: VerifierRun | undefined;
const scratch: string[] = [];
afterEach(async () => {
  await run?.cleanup();
  run = undefined;
  for (const dir of scratch.splice(0)) await rm(dir, { recursive: true, force: true });
});

interface Tree {
  rev: string;
  hash: string;
  /** The tarball's folder: a mirror holding it. */
  mirror: string;
}

/** A tree with a file, an executable and a symlink; its tarball in a fresh mirror; its hash from Nix. */
async function makeTree(content = randomBytes(8).toString('hex'), rev = randomBytes(20).toString('hex')): Promise<Tree> {
  const dir = await mkdtemp(join(tmpdir(), 'mirror-test-'));
  scratch.push(dir);
  const source = join(dir, 'tree/source');
  await mkdir(join(source, 'bin'), { recursive: true });
  await writeFile(join(source, 'README'), `tree ${content}\n`);
  await writeFile(join(source, 'bin/run'), '#!/bin/sh\necho run\n');
  await chmod(join(source, 'bin/run'), 0o755);
  await symlink('README', join(source, 'LINK'));
  const hash = execFileSync('nix', ['--extra-experimental-features', 'nix-command', 'hash', 'path', source], { env: NIX_ENV, encoding: 'utf8' }).trim();
  const mirror = join(dir, 'mirror');
  await mkdir(mirror);
  execFileSync('tar', ['-czf', join(mirror, `example-tree-${rev}.tar.gz`), '-C', join(dir, 'tree'), 'source']);
  return { rev, hash, mirror };
}

function fetchWith(tree: Tree, pageHash: string, args: string[], env: Record<string, string> = {}, page = 'fetch.md') {
  return runVerifier(
    'mirror',
    [page],
    [
      { page, from: '@REV@', to: tree.rev, all: true },
      { page, from: '@HASH@', to: pageHash, all: true },
    ],
    ['--offline', ...args],
    env,
  );
}

describe('sources from the mirror', () => {
  it('a right hash passes offline: the tree is fetched from the mirror and built on', async () => {
    const tree = await makeTree();
    run = await fetchWith(tree, tree.hash, ['--level', 'build', '--sources', tree.mirror]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.report!.blocks[0]).toMatchObject({ status: 'verified', level: 'build' });
    expect(run.report!.caps).toEqual([]);
  });

  it('a wrong hash fails at the line of the hash, with specified and got', async () => {
    const tree = await makeTree();
    const other = await makeTree();
    run = await fetchWith(tree, other.hash, ['--level', 'fetch', '--sources', tree.mirror]);
    expect(run.exitCode, run.stderr).toBe(1);
    const line = await run.lineOf('fetch.md', `hash = "${other.hash}"`);
    const found = run.report!.diagnostics.find((d) => d.place?.line === line);
    expect(found, run.stderr).toBeDefined();
    expect(found!.reason).toContain(`specified: ${other.hash}`);
    expect(found!.reason).toContain(`got: ${tree.hash}`);
    expect(run.stderr).toContain(`${run.pagePath('fetch.md')}:${line}:`);
  });

  it('a mirrored tarball whose content is not what its name says fails', async () => {
    const real = await makeTree('the real content');
    // Same owner, repo and rev, other content: the page states the real tree's hash.
    const impostor = await makeTree('something else', real.rev);
    run = await fetchWith(real, real.hash, ['--level', 'fetch', '--sources', impostor.mirror]);
    expect(run.exitCode, run.stderr).toBe(1);
    const line = await run.lineOf('fetch.md', `hash = "${real.hash}"`);
    const found = run.report!.diagnostics.find((d) => d.place?.line === line)!;
    expect(found.reason).toContain(`got: ${impostor.hash}`);
    expect(run.report!.blocks[0]).toMatchObject({ status: 'failed' });
  });

  it('a rev moved while the hash stayed fails at the hash, though the store holds the old tree', async () => {
    const old = await makeTree();
    // The old rev, verified: the store now holds its tree, found by its hash alone.
    run = await fetchWith(old, old.hash, ['--level', 'fetch', '--sources', old.mirror]);
    expect(run.exitCode, run.stderr).toBe(0);
    await run.cleanup();
    // The page moves `rev` to another commit and keeps the old `hash`: a fresh machine gets a
    // hash mismatch, and so must the verifier, whatever its store holds.
    const moved = await makeTree();
    run = await fetchWith(moved, old.hash, ['--level', 'fetch', '--sources', moved.mirror]);
    expect(run.exitCode, run.stderr).toBe(1);
    const line = await run.lineOf('fetch.md', `hash = "${old.hash}"`);
    const found = run.report!.diagnostics.find((d) => d.place?.line === line);
    expect(found, run.stderr).toBeDefined();
    expect(found!.reason).toContain(`specified: ${old.hash}`);
    expect(found!.reason).toContain(`got: ${moved.hash}`);
  });

  it('a stored source that neither a fetch nor the mirror can give again is not checked here, never passed', async () => {
    const tree = await makeTree();
    run = await fetchWith(tree, tree.hash, ['--level', 'fetch', '--sources', tree.mirror]);
    expect(run.exitCode, run.stderr).toBe(0);
    await run.cleanup();
    const empty = await mkdtemp(join(tmpdir(), 'mirror-empty-'));
    scratch.push(empty);
    run = await fetchWith(tree, tree.hash, ['--level', 'fetch', '--sources', empty], { CI: 'true' });
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain('is in the store, and could not be fetched again to check that it is what `rev` names');
  });

  it('a source with no mirror and no network is an environment problem in CI (exit 2)', async () => {
    const tree = await makeTree();
    const empty = await mkdtemp(join(tmpdir(), 'mirror-empty-'));
    scratch.push(empty);
    run = await fetchWith(tree, tree.hash, ['--level', 'build', '--sources', empty], { CI: 'true' });
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain(`the source mirror ${empty} has no example/tree at ${tree.rev}`);
    expect(run.stderr).toContain('In CI this is an error');
  });

  it('outside CI, the same caps the level loudly instead of passing at build', async () => {
    const tree = await makeTree();
    run = await fetchWith(tree, tree.hash, ['--level', 'build']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain('LEVEL CAPPED at eval');
    expect(run.report!.caps).toHaveLength(1);
    expect(run.report!.caps[0]).toContain('no source mirror was given');
    expect(run.report!.blocks[0]).toMatchObject({ status: 'verified', level: 'eval' });
    expect(run.report!.flakes[0]!.cap).toContain('could not be fetched');
  });

  it('an expected failure that evaluates is built to show its failure; without its sources it is not run, never passed', async () => {
    const tree = await makeTree();
    run = await fetchWith(tree, tree.hash, ['--sources', tree.mirror], {}, 'expected.md');
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.report!.blocks.find((b) => b.role === 'expected-failure')).toMatchObject({ status: 'verified', level: 'build' });

    await run.cleanup();
    const fresh = await makeTree();
    run = await fetchWith(fresh, fresh.hash, [], {}, 'expected.md');
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.report!.blocks.find((b) => b.role === 'expected-failure')).toMatchObject({ status: 'not-run', level: null });
    expect(run.stderr).toMatch(/!!! LEVEL CAPPED at eval: The expected failure at .*expected\.md:\d+ evaluates, and its sources could not be fetched/);

    await run.cleanup();
    run = await fetchWith(fresh, fresh.hash, [], { CI: 'true' }, 'expected.md');
    expect(run.exitCode, run.stderr).toBe(2);
  });
});
