#!/usr/bin/env node
/**
 * Benchmark of the verifier on the guide, as ratios within one run (no absolute targets):
 *
 *   cold / warm       a run with an empty cache against an unchanged re-run
 *   cold / floor      the verifier against the Nix work it cannot avoid, bare, at the same
 *                     parallelism: one parser process per batch, the evaluations, the
 *                     expected failures' copies and the command blocks
 *
 * A first run warms the Nix store (it copies the flakes and nixpkgs in), so that the cold run
 * and the floor start from the same store.
 *   parse batching    Nix's parser once for all files against once per file
 *
 * With the stand-in, what a fresh machine pays, each against the bare work it wraps:
 *   set-up            a current Nix (scripts/setup-machine.sh --debian-nix) against mmdebstrap
 *                     alone; the stand-in's kernel trees, rebuilt with `nix-store --realise
 *                     --check`, against the same configure and `make modules_prepare` on the
 *                     same tarballs outside Nix; and the guide's module, rebuilt alike
 *   main job          `npm run build -- --offline` cold (empty cache) and warm, against the
 *                     floor plus `astro build` alone
 *
 * Usage: npm run bench [-- --nixpkgs PATH] [--no-kernels]   (default: the offline stand-in; the build part
 * takes its sources from $VERIFY_SOURCES, or ../shared/sources)
 *        npm run bench -- --size 500,1000,2500,5000 [--runs 3]   (a synthetic corpus: see bench-size.ts)
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { promisify } from 'node:util';
import { floor } from './bench-size.ts';
import { defaultJobs, verify, type VerifyOptions } from './verifier/run.ts';
import { spawnProcess, type NixCall } from './verifier/nix.ts';
import { bootMachine, qemuCommand } from './verifier/vm.ts';

const run = promisify(execFile);
const SHARED_SOURCES = resolve(import.meta.dirname, '../../shared/sources');
const SOURCES = process.env.VERIFY_SOURCES || (existsSync(SHARED_SOURCES) ? SHARED_SOURCES : null);
const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { nixpkgs: { type: 'string' }, size: { type: 'string' }, runs: { type: 'string', default: '3' }, 'no-kernels': { type: 'boolean', default: false } },
});

if (values.size) {
  // `--size 500,1000,…`: a synthetic corpus at each size (see scripts/bench-size.ts).
  const { benchSize } = await import('./bench-size.ts');
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const stages = (timings: Record<string, number>) =>
    Object.entries(timings)
      .map(([stage, ms]) => `${stage} ${(ms / 1000).toFixed(2)}`)
      .join(', ');
  process.stdout.write(`Verifier at size (synthetic corpus, offline stand-in, eval level, ${defaultJobs()} jobs; medians of ${Math.max(1, Number(values.runs) || 3)} runs):\n\n`);
  process.stdout.write('  blocks   cold      floor     cold/floor  warm/cold  1 block/cold  per 1,000 blocks (cold)  peak memory  broken block found\n');
  const results = [];
  for (const n of values.size.split(',').map(Number)) {
    const r = await benchSize(n, Math.max(1, Number(values.runs) || 3));
    results.push(r);
    process.stdout.write(
      `  ${String(r.blocks).padEnd(7)}  ${s(r.coldMs).padEnd(9)} ${s(r.floorMs).padEnd(9)} ${(r.coldMs / r.floorMs).toFixed(2).padEnd(11)} ${((100 * r.warmMs) / r.coldMs).toFixed(1).padStart(5)} %    ${((100 * r.changedMs) / r.coldMs).toFixed(1).padStart(5)} %       ${s((1000 * r.coldMs) / r.blocks).padEnd(24)} ${(r.peakMiB === undefined ? 'not measured' : `${Math.round(r.peakMiB)} MiB`).padEnd(12)} ${r.brokenFound ? 'yes' : 'NO'}\n`,
    );
  }
  process.stdout.write('\n  Seconds per stage (pages: read, extract, assemble; nix: probe; nixpkgs; trees; parse; flakes: evaluations, commands, expected failures; report):\n');
  for (const r of results) {
    process.stdout.write(`  ${String(r.blocks).padEnd(7)}  cold:      ${stages(r.stages.cold)}\n           warm:      ${stages(r.stages.warm)}\n           one block: ${stages(r.stages.changed)}\n`);
  }
  if (results.some((r) => r.peakMiB === undefined)) process.stdout.write('\n  Peak memory needs GNU time (/usr/bin/time; Debian: apt-get install time).\n');
  process.exit(results.every((r) => r.brokenFound) ? 0 : 1);
}

const pages = (await readdir(join(ROOT, 'src/content/docs'), { recursive: true }))
  .filter((p) => /\.mdx?$/.test(p))
  .map((p) => relative(ROOT, join(ROOT, 'src/content/docs', p)))
  .sort();
async function timed(calls: NixCall[], keepWorkspace: boolean, cacheDir: string, level: VerifyOptions['level'] = undefined) {
  const options: VerifyOptions = {
    root: ROOT,
    pages,
    strict: true,
    flakesDir: join(ROOT, 'src/flakes'),
    level,
    nixpkgs: values.nixpkgs ? { mode: 'path', path: resolve(values.nixpkgs) } : { mode: 'offline' },
    ci: false,
    jobs: defaultJobs(),
    timeout: '300s',
    cacheDir,
    sources: SOURCES,
    command: 'npm run bench',
    log: () => {},
    onNixCall: (call) => calls.push(call),
    keepWorkspace,
  };
  const started = performance.now();
  const result = await verify(options);
  return { ms: performance.now() - started, result };
}

// At the build level: the floor replays Nix's calls, and the boots are measured on their own below.
const warmUpCache = await mkdtemp(join(tmpdir(), 'bench-cache-'));
const first = await timed([], false, warmUpCache, 'build');
if (first.result.exitCode !== 0) {
  process.stderr.write(`The guide does not verify (exit ${first.result.exitCode}); fix that first.\n`);
  process.exit(1);
}
const cacheDir = await mkdtemp(join(tmpdir(), 'bench-cache-'));
const coldCalls: NixCall[] = [];
const cold = await timed(coldCalls, true, cacheDir, 'build');
const warm = await timed([], false, cacheDir, 'build');

// The Nix work that cannot be avoided, bare, at the same parallelism (see bench-size.ts).
const floorMs = await floor(coldCalls, cold.result.workspace!);

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

const build = values.nixpkgs ? undefined : await kernelAgainstModule();
const setUpNix = values.nixpkgs ? undefined : await currentNix();
const main = values.nixpkgs ? undefined : await mainJob();

const nixpkgs = cold.result.report!.nixpkgs.label;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rows = [
  ['first verify (empty cache, Nix store not warm)', s(first.ms)],
  ['cold verify (empty cache)', s(cold.ms)],
  ['warm verify (unchanged re-run)', s(warm.ms)],
  ['floor: one parser process per batch, the evaluations, commands and builds, bare', s(floorMs)],
  [`parse ${files.length} files in one process`, s(batchMs)],
  [`parse ${files.length} files, one process each`, s(eachMs)],
];
const width = Math.max(...rows.map((r) => r[0]!.length));
process.stdout.write(`Verifier benchmark: ${pages.length} pages, ${cold.result.report!.summary.blocks} blocks, ${defaultJobs()} jobs, against ${nixpkgs}\n\n`);
for (const [name, value] of rows) process.stdout.write(`  ${name!.padEnd(width)}  ${value}\n`);
process.stdout.write(`
  cold / warm                 ${(cold.ms / warm.ms).toFixed(1)}x   (how much the cache saves)
  cold / floor                ${(cold.ms / floorMs).toFixed(2)}x   (the verifier's own work on top of Nix's)
  per-file / batched parsing  ${(eachMs / batchMs).toFixed(1)}x
`);
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
if (build && values['no-kernels']) {
  process.stdout.write(`\n  Build level (${build.kernel}): the kernels' rebuilds not measured (--no-kernels); the module's: ${s(build.moduleMs)}\n`);
} else if (build) {
  process.stdout.write(`
  Build level (${build.kernel}), as on a fresh machine:
  ${'prepare the kernel trees (once per Nix store)'.padEnd(width)}  ${s(build.kernelMs)}   ${ratio(build.kernelMs, build.bareKernelMs)} the same make outside Nix (${s(build.bareKernelMs)})
  ${"build the guide's module on the default one".padEnd(width)}  ${s(build.moduleMs)}
  kernel trees / module       ${(build.kernelMs / build.moduleMs).toFixed(1)}x   (paid once, then only the module is rebuilt)
`);
  if (build.boot) {
    process.stdout.write(`
  Boot level (the guide's Hero, on a virtual Slimbook Hero, no KVM):
  ${'boot, load qc71_laptop, power off'.padEnd(width)}  ${s(build.boot.bootMs)}
  ${'the same, with the 7 runtime commands'.padEnd(width)}  ${s(build.boot.checksMs)}   ${ratio(build.boot.checksMs, build.boot.bareMs)} QEMU alone on the same kernel and initramfs (${s(build.boot.bareMs)})
`);
  }
} else if (!values.nixpkgs) {
  process.stdout.write('\n  Build level: not measured (the guide did not build; see npm run verify -- --offline --level build).\n');
}
if (setUpNix) {
  process.stdout.write(`
  Set-up of a fresh machine (besides apt's own packages):
  ${"a current Nix: Debian 13's nix-bin in a root of its own".padEnd(width)}  ${s(setUpNix.ms)}   ${ratio(setUpNix.ms, setUpNix.bareMs)} mmdebstrap alone (${s(setUpNix.bareMs)})
  ${'the kernel trees (above)'.padEnd(width)}  ${build ? s(build.kernelMs) : 'not measured'}
  ${'in all'.padEnd(width)}  ${build && !values['no-kernels'] ? `${s(setUpNix.ms + build.kernelMs)}   ${ratio(setUpNix.ms + build.kernelMs, setUpNix.bareMs + build.bareKernelMs)} the bare work` : 'not measured'}
`);
}
const mainBare = floorMs + (main?.astroMs ?? 0) + 3 * (build?.boot?.bareMs ?? 0);
if (main) {
  process.stdout.write(`
  The main job, npm run build -- --offline (verify up to booting 3 systems, then astro build),
  against the floor (Nix's work), 3 bare boots and astro build alone:
  ${'cold (empty verification cache)'.padEnd(width)}  ${s(main.coldMs)}   ${ratio(main.coldMs, mainBare)} (${s(mainBare)})
  ${'warm (unchanged re-run)'.padEnd(width)}  ${s(main.warmMs)}   ${ratio(main.warmMs, mainBare)}
`);
}

/** `scripts/setup-machine.sh --debian-nix` against the mmdebstrap it runs, each into a new folder. */
async function currentNix(): Promise<{ ms: number; bareMs: number } | undefined> {
  const mirror = (await run('apt-get', ['indextargets', '--format', '$(LABEL) $(REPO_URI)']).catch(() => ({ stdout: '' }))).stdout
    .split('\n')
    .find((l) => l.startsWith('Debian '))
    ?.split(' ')[1];
  if (!mirror || process.getuid?.() !== 0) return undefined;
  const dir = await mkdtemp(join(tmpdir(), 'bench-nix-'));
  try {
    const bareStart = performance.now();
    await run('mmdebstrap', ['--quiet', '--variant=essential', '--include=nix-bin', 'trixie', join(dir, 'bare'), `deb ${mirror} trixie main`], { maxBuffer: 64 << 20 });
    const bareMs = performance.now() - bareStart;
    const started = performance.now();
    await run('bash', [join(ROOT, 'scripts/setup-machine.sh'), '--debian-nix', 'trixie', join(dir, 'wrapped')], { maxBuffer: 64 << 20 });
    return { ms: performance.now() - started, bareMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The main job, cold and warm, and the site's build alone. */
async function mainJob(): Promise<{ coldMs: number; warmMs: number; astroMs: number } | undefined> {
  const cache = await mkdtemp(join(tmpdir(), 'bench-cache-'));
  const env = { ...process.env, ...(SOURCES ? { VERIFY_SOURCES: SOURCES } : {}) };
  const timedRun = async (argv: string[]) => {
    const started = performance.now();
    await run(argv[0]!, argv.slice(1), { cwd: ROOT, env, maxBuffer: 256 << 20 });
    return performance.now() - started;
  };
  try {
    const build = [process.execPath, join(ROOT, 'scripts/build.ts'), '--offline', '--quiet', '--cache', cache];
    const coldMs = await timedRun(build);
    const warmMs = await timedRun(build);
    const astroMs = await timedRun([process.execPath, join(ROOT, 'node_modules/astro/bin/astro.mjs'), 'build']);
    return { coldMs, warmMs, astroMs };
  } catch (error) {
    process.stderr.write(`The main job failed: ${(error as Error).message.slice(0, 2000)}\n`);
    return undefined;
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
}

/**
 * Builds the guide once at the build level, then rebuilds the stand-in's kernel trees and the
 * module alone (`--check` runs a builder again even though its output is in the store), and
 * the same kernel configuration and `make modules_prepare` outside Nix, on the same tarballs.
 */
async function kernelAgainstModule(): Promise<
  { kernel: string; kernelMs: number; bareKernelMs: number; moduleMs: number; boot?: Awaited<ReturnType<typeof bootAgainstQemu>> } | undefined
> {
  const built = await timed([], true, await mkdtemp(join(tmpdir(), 'bench-cache-')), 'build');
  const report = built.result.report;
  const ws = built.result.workspace!;
  try {
    if (built.result.exitCode !== 0 || !report || report.builtAgainst.length === 0) return undefined;
    const nixFlags = ['--extra-experimental-features', 'nix-command flakes'];
    const standin = `path:${join(ws, 'nixpkgs-standin')}`;
    const evalRaw = async (ref: string, extra: string[] = []) =>
      (await run('nix', [...nixFlags, 'eval', '--raw', ...extra, ref], { maxBuffer: 16 << 20 })).stdout.trim();
    const kernels = await Promise.all(
      ['linuxPackages', 'linuxPackages_latest'].map(async (set) => {
        const attr = `${standin}#legacyPackages.x86_64-linux.${set}.kernel`;
        const options = JSON.parse(await evalRaw(attr, ['--apply', 'k: builtins.toJSON (k.machineOptions ++ k.nixosOptions)'])) as string[];
        return { drv: await evalRaw(`${attr}.drvPath`), src: await evalRaw(`${attr}.src`), options };
      }),
    );
    const moduleDrv = await evalRaw(`path:${join(ws, 'flakes/simple')}#nixosConfigurations.hero.config.boot.extraModulePackages`, [
      '--apply',
      'ps: (builtins.head ps).drvPath',
      '--override-input',
      'nixpkgs',
      standin,
    ]);
    const rebuild = async (drv: string) => {
      const started = performance.now();
      await run('nix-store', ['--realise', '--check', '--option', 'substituters', '', drv], { maxBuffer: 64 << 20 }).catch((error: { stderr?: string }) => {
        // A rebuild whose output differs bit for bit still ran in full; anything else did not.
        if (!/may not be deterministic|differs/.test(error.stderr ?? '')) throw error;
      });
      return performance.now() - started;
    };
    // `--no-kernels`: the kernels' rebuilds take minutes; leave them out (reported as 0 s, not measured).
    let kernelMs = 0;
    let bareKernelMs = 0;
    if (!values['no-kernels']) {
      for (const kernel of kernels) kernelMs += await rebuild(kernel.drv);
      for (const kernel of kernels) bareKernelMs += await bareKernel(kernel.src, kernel.options);
    }
    const system = await evalRaw(`path:${join(ws, 'flakes/simple')}#nixosConfigurations.hero.config.system.build.toplevel`, ['--override-input', 'nixpkgs', standin]);
    const boot = await bootAgainstQemu(system, join(ws, 'bench-boot'));
    return { kernel: report.builtAgainst.join(', '), kernelMs, bareKernelMs, moduleMs: await rebuild(moduleDrv), ...(boot ? { boot } : {}) };
  } finally {
    await rm(ws, { recursive: true, force: true });
  }
}

/**
 * The boot level on the guide's Hero: a boot that loads the module, then the same with the
 * runtime commands of Check your work and Driver options, against QEMU alone on the same kernel
 * and initramfs.
 */
async function bootAgainstQemu(system: string, scratch: string) {
  const commands = ['lsmod | grep qc71', 'uname -r', 'modinfo -F vermagic qc71_laptop', 'modinfo -p qc71_laptop', 'modprobe -r qc71_laptop', 'modprobe qc71_laptop', 'cat /sys/module/qc71_laptop/parameters/nolightbar'];
  const boot = async (withCommands: boolean) => {
    const started = performance.now();
    const result = await bootMachine({
      kernelImage: join(system, 'kernel'),
      moduleTree: join(system, 'kernel-modules'),
      modprobeConfig: '',
      plan: { kernelModules: ['qc71_laptop'], commands: withCommands ? commands : [] },
      machine: 'slimbook-hero',
      scratch,
      timeoutMs: 120_000,
    });
    if ('fault' in result) throw new Error(result.fault);
    return performance.now() - started;
  };
  try {
    const bootMs = await boot(false);
    const checksMs = await boot(true);
    const started = performance.now();
    await spawnProcess(qemuCommand(join(system, 'kernel'), join(scratch, 'initrd.gz'), join(scratch, 'bare-console.log'), join(scratch, 'slimbook-hero.aml')), { timeoutMs: 120_000 });
    return { bootMs, checksMs, bareMs: performance.now() - started };
  } catch (error) {
    process.stderr.write(`The boot bench failed: ${(error as Error).message}\n`);
    return undefined;
  }
}

/** What the stand-in's kernel.nix runs to build a kernel, outside Nix, on the same tarball. */
async function bareKernel(tarball: string, options: string[]): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-kernel-'));
  const started = performance.now();
  try {
    await run('tar', ['-xJf', tarball, '-C', dir, '--strip-components=1'], { maxBuffer: 16 << 20 });
    const make = (...args: string[]) => run('make', ['-C', dir, `-j${defaultJobs()}`, ...args], { maxBuffer: 256 << 20 });
    await make('tinyconfig');
    await run(join(dir, 'scripts/config'), ['--file', join(dir, '.config'), ...options.flatMap((o) => o.split(' '))], { maxBuffer: 16 << 20 });
    await make('olddefconfig');
    await make('bzImage', 'modules');
    return performance.now() - started;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
