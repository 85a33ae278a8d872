/**
 * Sharding: two shards of the drift fixture, merged, give the report of one full run, block
 * for block, and no flake runs in two shards.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../../scripts/verifier/types.ts';
import { NIX_ENV, runVerifier, type VerifierRun } from './run-verifier.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const PAGES = ['simple.mdx', 'nur.mdx'];
const runs: VerifierRun[] = [];
afterAll(async () => {
  for (const r of runs) await r.cleanup();
});

async function verify(args: string[]): Promise<VerifierRun> {
  const r = await runVerifier('drift', PAGES, [], ['--offline', ...args]);
  runs.push(r);
  return r;
}

/** The verifier on the pages of an earlier run's copy, so that every run sees the same paths. */
function again(copy: VerifierRun, args: string[], report: string): Promise<{ code: number; stderr: string; report: Report }> {
  const argv = [join(ROOT, 'scripts/verify.ts'), '--strict', '--no-cache', '--quiet', '--offline', '--level', 'eval', '--flakes', join(copy.dir, 'flakes'), '--report', report, ...args, ...PAGES.map((p) => copy.pagePath(p))];
  return new Promise((done) =>
    execFile(process.execPath, argv, { cwd: ROOT, env: NIX_ENV }, async (error, _o, stderr) =>
      done({ code: error ? Number(error.code) : 0, stderr, report: JSON.parse(await readFile(report, 'utf8')) as Report }),
    ),
  );
}

function merge(files: string[], out: string): Promise<{ code: number; stderr: string }> {
  return new Promise((done) =>
    execFile(process.execPath, [join(ROOT, 'scripts/verify.ts'), '--merge-reports', ...files, '--report', out], { cwd: ROOT, env: NIX_ENV }, (error, _o, stderr) =>
      done({ code: error ? Number(error.code) : 0, stderr }),
    ),
  );
}

/** What a run decided, without when it ran or how it was called. */
const decided = (r: Report) => ({ ...r, generatedAt: '', command: '' });

describe('--shard and --merge-reports', () => {
  it('two shards, merged, equal one full run; no flake runs twice', async () => {
    const full = await verify([]);
    const [one, two] = await Promise.all([again(full, ['--shard', '1/2'], join(full.dir, 'one.json')), again(full, ['--shard', '2/2'], join(full.dir, 'two.json'))]);
    expect(full.exitCode, full.stderr).toBe(0);
    for (const r of [one, two]) expect(r.code, r.stderr).toBe(0);
    const names = (r: { report?: Report | undefined }) => r.report!.flakes.map((f) => f.name);
    expect(names(one).filter((n) => names(two).includes(n))).toEqual([]);
    expect([...names(one), ...names(two)].sort()).toEqual(names(full).sort());
    expect(names(one).length).toBeGreaterThan(0);
    expect(names(two).length).toBeGreaterThan(0);
    // A consumer and what it consumes are in one shard.
    const withSystem = names(one).includes('system') ? names(one) : names(two);
    expect(withSystem).toContain('nur');

    const dir = await mkdtemp(join(tmpdir(), 'merge-'));
    try {
      const out = join(dir, 'merged.json');
      const merged = await merge([join(full.dir, 'one.json'), join(full.dir, 'two.json')], out);
      expect(merged.code, merged.stderr).toBe(0);
      const report = JSON.parse(await readFile(out, 'utf8')) as Report;
      expect(report.blocks).toEqual(full.report!.blocks);
      expect(decided(report)).toEqual(decided(full.report!));

      // Merging a shard twice is refused.
      const twice = await merge([join(full.dir, 'one.json'), join(full.dir, 'one.json')], join(dir, 'twice.json'));
      expect(twice.code).toBe(2);
      expect(twice.stderr).toContain('is in more than one report');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a shard that is not K/N', async () => {
    const r = await verify(['--shard', '3/2']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--shard takes K/N with 1 ≤ K ≤ N');
  });
});
