/**
 * `npm run bench -- --size N[,N…]`: the verifier on a synthetic corpus of N blocks shaped like
 * the guide (scripts/bench-corpus.ts), against the offline stand-in, as ratios within one run:
 *
 *   cold / floor       an empty cache against the Nix work that cannot be avoided, run bare at
 *                      the same parallelism: one parser process per batch of files, one
 *                      evaluation per flake and per expected-failure copy, the command blocks
 *   warm / cold        nothing changed
 *   one block / cold   one fragment changed
 *
 * Every size plants one broken block, and the run must report it at its line.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pLimit from 'p-limit';
import { corpus } from './bench-corpus.ts';
import { batches, type NixCall } from './verifier/nix.ts';
import { defaultJobs, verify } from './verifier/run.ts';

const run = promisify(execFile);

export interface SizeResult {
  blocks: number;
  coldMs: number;
  warmMs: number;
  changedMs: number;
  floorMs: number;
  brokenFound: boolean;
}

export async function benchSize(blocks: number): Promise<SizeResult> {
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
    await rm(cacheDir, { recursive: true, force: true });

    const calls: NixCall[] = [];
    const cold = await once(calls, true);
    const brokenFound =
      cold.result.exitCode === 1 && cold.result.diagnostics.some((d) => d.file === made.broken!.page && d.place?.line === made.broken!.line);
    const warm = await once([]);
    const page = join(root, made.pages[1]!);
    await writeFile(page, (await readFile(page, 'utf8')).replace(/= 0 \+ 1;/, '= 0 + 2;'));
    const changed = await once([]);

    const floorMs = await floor(calls, cold.result.workspace!);
    await rm(cold.result.workspace!, { recursive: true, force: true });
    return { blocks: made.blocks, coldMs: cold.ms, warmMs: warm.ms, changedMs: changed.ms, floorMs, brokenFound };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * The Nix work a cold run cannot avoid, as whole processes: the parser once per batch over
 * every file the run parsed, then every evaluation and command block the run made, at the
 * run's parallelism.
 */
async function floor(calls: readonly NixCall[], workspace: string): Promise<number> {
  const started = performance.now();
  const files = (await readdir(workspace, { recursive: true })).filter((f) => f.endsWith('.nix') && !f.startsWith('nixpkgs-standin/')).map((f) => join(workspace, f));
  for (const batch of batches(files)) await run('nix-instantiate', ['--parse', ...batch], { maxBuffer: 256 << 20 }).catch(() => undefined);
  const limit = pLimit(defaultJobs());
  const work = calls.filter((c) => c.argv[0] === 'nix' && !c.argv.includes('--version') && !c.argv.includes('show-config') && !c.argv.includes('--expr'));
  await Promise.all(work.map((c) => limit(() => run(c.argv[0]!, c.argv.slice(1), { cwd: c.cwd, maxBuffer: 64 << 20 }).catch(() => undefined))));
  return performance.now() - started;
}
