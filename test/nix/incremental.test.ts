/**
 * Incremental runs: after one block changes, only its flake is evaluated again; everything
 * else comes from the cache. Counted from the progress lines, which say `cached`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NIX_ENV, runVerifier, type VerifierRun } from './run-verifier.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const PAGES = ['simple.mdx', 'nur.mdx'];
let run: VerifierRun | undefined;
let cache: string | undefined;
afterEach(async () => {
  await run?.cleanup();
  if (cache) await rm(cache, { recursive: true, force: true });
  run = undefined;
});

/** The verifier on a copy's pages, with progress lines. */
function again(copy: VerifierRun, cacheDir: string): Promise<{ code: number; stderr: string }> {
  const argv = [join(ROOT, 'scripts/verify.ts'), '--strict', '--offline', '--level', 'eval', '--cache', cacheDir, '--flakes', join(copy.dir, 'flakes'), ...PAGES.map((p) => copy.pagePath(p))];
  return new Promise((done) => execFile(process.execPath, argv, { cwd: ROOT, env: NIX_ENV }, (error, _o, stderr) => done({ code: error ? Number(error.code) : 0, stderr })));
}

/** The flakes (not copies) that Nix evaluated: progress lines of the eval stage not `cached`. */
function evaluated(stderr: string): string[] {
  return [...stderr.matchAll(/^\s+[✓✗] (\S+)\s+eval\s+(?!cached)\S/gm)].map((m) => m[1]!).filter((n) => !n.includes('~')).sort();
}

describe('one changed block', () => {
  it('evaluates only its own flake again', async () => {
    cache = await mkdtemp(join(tmpdir(), 'incremental-cache-'));
    run = await runVerifier('drift', PAGES, [], ['--offline', '--cache', cache]);
    expect(run.exitCode, run.stderr).toBe(0);

    const unchanged = await again(run, cache);
    expect(unchanged.code, unchanged.stderr).toBe(0);
    expect(evaluated(unchanged.stderr)).toEqual([]);

    const page = run.pagePath('simple.mdx');
    await writeFile(page, (await readFile(page, 'utf8')).replace('boot.kernelModules = [ "qc71_laptop" ];', 'boot.kernelModules = [ "qc71_laptop" "loop" ];'));
    const changed = await again(run, cache);
    expect(changed.code, changed.stderr).toBe(0);
    expect(evaluated(changed.stderr)).toEqual(['simple']);
  });
});
