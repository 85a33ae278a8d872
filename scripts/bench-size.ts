/**
 * `npm run bench -- --size N[,N…]`: the verifier on a synthetic corpus of N blocks shaped like
 * the guide (scripts/bench-corpus.ts), against the offline stand-in, as ratios within one run:
 *
 *   cold / floor       an empty cache against the Nix work that cannot be avoided, run bare at
 *                      the same parallelism (`floor`)
 *   warm / cold        nothing changed
 *   one block / cold   one fragment changed
 *
 * each the median of `runs` runs (cold and floor in turn), with the time of each stage of the
 * cold, warm and one-block runs, and the peak memory of a cold run (the largest process: Node
 * or Nix). Every size plants one broken block, and every cold run must report it at its line.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pLimit from 'p-limit';
import { corpus } from './bench-corpus.ts';
import { batches, type NixCall } from './verifier/nix.ts';
import { defaultJobs, verify } from './verifier/run.ts';

const run = promisify(execFile);
const VERIFY = join(import.meta.dirname, 'verify.ts');
const GNU_TIME = '/usr/bin/time';

export interface SizeResult {
  blocks: number;
  coldMs: number;
  warmMs: number;
  changedMs: number;
  floorMs: number;
  brokenFound: boolean;
  /** Milliseconds per stage of the verifier (see `VerifyResult.timings`). */
  stages: { cold: Record<string, number>; warm: Record<string, number>; changed: Record<string, number> };
  /** Peak resident memory of the largest process of a cold run, in MiB; undefined without GNU time. */
  peakMiB: number | undefined;
}

export async function benchSize(blocks: number, runs = 3): Promise<SizeResult> {
  const root = await mkdtemp(join(tmpdir(), `bench-size-${blocks}-`));
  try {
    const made = corpus(blocks, { broken: true });
    for (const [path, text] of made.files) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
    const cacheDir = join(root, '.cache');
    const once = async (calls: NixCall[], keepWorkspace = false) => {
      const started = performance.now();
      const result = await verify({
        root,
        pages: made.pages,
        strict: true,
        flakesDir: join(root, 'flakes'),
        level: 'eval',
        nixpkgs: { mode: 'offline' },
        ci: false,
        jobs: defaultJobs(),
        timeout: '600s',
        cacheDir,
        sources: null,
        command: `npm run bench -- --size ${blocks}`,
        log: () => {},
        onNixCall: (call) => calls.push(call),
        keepWorkspace,
      });
      return { ms: performance.now() - started, result };
    };
    // Warm the store (the stand-in, Nix's own caches), so cold and floor start alike.
    await once([]);

    // Each measure `runs` times, cold and floor in turn (so that drift in the machine's speed
    // hits both alike); the medians are kept.
    const colds: Awaited<ReturnType<typeof once>>[] = [];
    const floors: number[] = [];
    const warms: Awaited<ReturnType<typeof once>>[] = [];
    const changes: Awaited<ReturnType<typeof once>>[] = [];
    let brokenFound = true;
    for (let i = 0; i < runs; i++) {
      await rm(cacheDir, { recursive: true, force: true });
      const calls: NixCall[] = [];
      const cold = await once(calls, true);
      brokenFound &&= cold.result.exitCode === 1 && cold.result.diagnostics.some((d) => d.file === made.broken!.page && d.place?.line === made.broken!.line);
      floors.push(await floor(calls, cold.result.workspace!));
      await rm(cold.result.workspace!, { recursive: true, force: true });
      colds.push(cold);
      warms.push(await once([]));
      // A different change each time, so that each is a change.
      const page = join(root, made.pages[1]!);
      await writeFile(page, (await readFile(page, 'utf8')).replace(/= 0 \+ \d+;/, `= 0 + ${i + 2};`));
      changes.push(await once([]));
    }
    const cold = median(colds);
    const warm = median(warms);
    const changed = median(changes);
    const peakMiB = await peakMemory(root, made.pages);
    return {
      blocks: made.blocks,
      coldMs: cold.ms,
      warmMs: warm.ms,
      changedMs: changed.ms,
      floorMs: median(floors.map((ms) => ({ ms }))).ms,
      brokenFound,
      stages: { cold: cold.result.timings, warm: warm.result.timings, changed: changed.result.timings },
      peakMiB,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** The run with the median time. */
function median<T extends { ms: number }>(runs: readonly T[]): T {
  return [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)]!;
}

/**
 * The Nix work a cold run cannot avoid, as whole processes at the run's parallelism: the
 * parser over every file the run parsed, one process per batch that fits a command line,
 * then every evaluation, command block and build (`nix-store --realise`) the run made. Not
 * the probes of `detectNix`, nor the verifier's own questions to the store.
 */
export async function floor(calls: readonly NixCall[], workspace: string): Promise<number> {
  const started = performance.now();
  const limit = pLimit(defaultJobs());
  const files = (await readdir(workspace, { recursive: true })).filter((f) => f.endsWith('.nix') && !f.startsWith('nixpkgs-standin/')).map((f) => join(workspace, f));
  await Promise.all(batches(files).map((batch) => limit(() => run('nix-instantiate', ['--parse', ...batch], { maxBuffer: 256 << 20 }).catch(() => undefined))));
  const evaluation = (c: NixCall) => c.argv[0] === 'nix' && !c.argv.includes('--version') && !c.argv.includes('show-config') && !c.argv.includes('--expr');
  const build = (c: NixCall) => c.argv[0] === 'nix-store' && c.argv[1] === '--realise';
  const work = calls.filter((c) => evaluation(c) || build(c));
  await Promise.all(work.map((c) => limit(() => run(c.argv[0]!, c.argv.slice(1), { cwd: c.cwd, maxBuffer: 64 << 20 }).catch(() => undefined))));
  return performance.now() - started;
}

/**
 * A cold run of the command line under GNU time: the largest resident set of the run's
 * processes (the verifier or one of its Nix calls), in MiB.
 */
async function peakMemory(root: string, pages: readonly string[]): Promise<number | undefined> {
  if (!existsSync(GNU_TIME)) return undefined;
  const argv = ['-f', 'peak %M', process.execPath, VERIFY, '--offline', '--no-cache', '--quiet', '--strict', '--level', 'eval', '--flakes', join(root, 'flakes'), ...pages.map((p) => join(root, p))];
  const result = await run(GNU_TIME, argv, { cwd: root, maxBuffer: 64 << 20 }).catch((error: { stderr?: string }) => ({ stderr: error.stderr ?? '' }));
  const kib = /^peak (\d+)$/m.exec(result.stderr)?.[1];
  return kib ? Number(kib) / 1024 : undefined;
}
