#!/usr/bin/env node
/**
 * Benchmark of the verifier on the guide, as ratios within one run (no absolute targets):
 *
 *   cold / warm       a run with an empty cache against an unchanged re-run
 *   cold / bare Nix   the verifier against the same Nix commands run one after another
 *
 * A first run warms the Nix store (it copies the flakes and nixpkgs in), so that the cold run
 * and the bare replay of its commands start from the same store.
 *   parse batching    Nix's parser once for all files against once per file
 *
 * Usage: npm run bench [-- --nixpkgs PATH]   (default: the offline stand-in)
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { promisify } from 'node:util';
import { defaultJobs, verify, type VerifyOptions } from './verifier/run.ts';
import type { NixCall } from './verifier/nix.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { nixpkgs: { type: 'string' } } });

const pages = (await readdir(join(ROOT, 'src/content/docs'), { recursive: true }))
  .filter((p) => /\.mdx?$/.test(p))
  .map((p) => relative(ROOT, join(ROOT, 'src/content/docs', p)))
  .sort();
async function timed(calls: NixCall[], keepWorkspace: boolean, cacheDir: string) {
  const options: VerifyOptions = {
    root: ROOT,
    pages,
    strict: true,
    flakesDir: join(ROOT, 'src/flakes'),
    level: undefined,
    nixpkgs: values.nixpkgs ? { mode: 'path', path: resolve(values.nixpkgs) } : { mode: 'offline' },
    ci: false,
    jobs: defaultJobs(),
    timeout: '300s',
    cacheDir,
    sources: process.env.VERIFY_SOURCES || null,
    command: 'npm run bench',
    log: () => {},
    onNixCall: (call) => calls.push(call),
    keepWorkspace,
  };
  const started = performance.now();
  const result = await verify(options);
  return { ms: performance.now() - started, result };
}

const warmUpCache = await mkdtemp(join(tmpdir(), 'bench-cache-'));
const first = await timed([], false, warmUpCache);
if (first.result.exitCode !== 0) {
  process.stderr.write(`The guide does not verify (exit ${first.result.exitCode}); fix that first.\n`);
  process.exit(1);
}
const cacheDir = await mkdtemp(join(tmpdir(), 'bench-cache-'));
const coldCalls: NixCall[] = [];
const cold = await timed(coldCalls, true, cacheDir);
const warm = await timed([], false, cacheDir);

// The same Nix commands, bare and one after another (the probe of detectNix included).
let bareMs = 0;
for (const call of coldCalls) {
  const [command, ...args] = call.argv;
  const started = performance.now();
  await run(command!, args, { cwd: call.cwd, maxBuffer: 64 << 20 }).catch(() => undefined);
  bareMs += performance.now() - started;
}

// Parser batching, on the files the verifier parsed.
const workspace = cold.result.workspace!;
const files = (await readdir(workspace, { recursive: true })).filter((f) => f.endsWith('.nix')).map((f) => join(workspace, f));
const batchStart = performance.now();
await run('nix-instantiate', ['--parse', ...files]).catch(() => undefined);
const batchMs = performance.now() - batchStart;
const eachStart = performance.now();
for (const file of files) await run('nix-instantiate', ['--parse', file]).catch(() => undefined);
const eachMs = performance.now() - eachStart;
await rm(workspace, { recursive: true, force: true });
await rm(cacheDir, { recursive: true, force: true });
await rm(warmUpCache, { recursive: true, force: true });

const nixpkgs = cold.result.report!.nixpkgs.label;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rows = [
  ['first verify (empty cache, Nix store not warm)', s(first.ms)],
  ['cold verify (empty cache)', s(cold.ms)],
  ['warm verify (unchanged re-run)', s(warm.ms)],
  [`bare Nix: the ${coldCalls.length} same calls, one by one`, s(bareMs)],
  [`parse ${files.length} files in one process`, s(batchMs)],
  [`parse ${files.length} files, one process each`, s(eachMs)],
];
const width = Math.max(...rows.map((r) => r[0]!.length));
process.stdout.write(`Verifier benchmark: ${pages.length} pages, ${cold.result.report!.summary.blocks} blocks, ${defaultJobs()} jobs, against ${nixpkgs}\n\n`);
for (const [name, value] of rows) process.stdout.write(`  ${name!.padEnd(width)}  ${value}\n`);
process.stdout.write(`
  cold / warm                 ${(cold.ms / warm.ms).toFixed(1)}x   (how much the cache saves)
  cold / bare Nix             ${(cold.ms / bareMs).toFixed(2)}x   (below 1: parallel evaluation wins over the verifier's own work)
  per-file / batched parsing  ${(eachMs / batchMs).toFixed(1)}x
`);
