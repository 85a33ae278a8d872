#!/usr/bin/env node
/**
 * Verifies the Nix snippets of Markdown/MDX pages with real Nix.
 *
 *   npm run verify                          the guide (src/content/docs), strict
 *   npm run verify -- a.md docs/b.mdx       any pages; unannotated blocks are parse-checked
 *
 * Exit codes: 0 verified, 1 drift found, 2 usage or environment problem.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { formatDiagnostic, formatSummary } from './verifier/format.ts';
import { defaultJobs, verify, type VerifyResult } from './verifier/run.ts';
import { LEVELS, REPORT_VERSION, type AssembledFlake, type Level, type NixpkgsIdentity, type Report } from './verifier/types.ts';
import { OutDirRefused, outDirProblem, writeFileAtomically, writeOutDir } from './verifier/out-dir.ts';
import { displayPath } from './verifier/glue.ts';
import { findPages } from './verifier/pages.ts';
import { mergeReports } from './verifier/merge-reports.ts';
import { parseShard } from './verifier/shard.ts';
import { flakeLock, LOCK_FILE, readLock, writeLock } from './verifier/nixpkgs-lock.ts';
import { ReportSchema } from '../src/lib/report-schema.ts';
import { readFile } from 'node:fs/promises';
import type { NixpkgsChoice } from './verifier/nixpkgs.ts';

const ROOT = resolve(import.meta.dirname, '..');
const CONTENT = 'src/content/docs';

const HELP = `Usage: npm run verify -- [options] [pages...]

Verifies every Nix code block of the pages with real Nix. Without pages, verifies the
guide (${CONTENT}) and requires every nix block to be annotated.

Options:
  --level LEVEL      parse | eval | fetch | build (default: build, but eval with a
                     nixpkgs checkout or with a stand-in that has no kernel source)
  --nixpkgs PATH     use this nixpkgs checkout instead of the pinned release
  --offline          use the project's offline nixpkgs stand-in (not nixpkgs)
  --strict           require annotations on the given pages too
  --flakes DIR       glue directory (default: src/flakes for the guide; pages given on
                     the command line get none unless this is given)
  --report FILE      write the JSON report
  --out DIR          write every assembled flake there, as evaluated
  --jobs N           flakes evaluated at once (default: ${defaultJobs()})
  --timeout SECONDS  per Nix call (default: 300)
  --memory-limit MIB memory per Nix call, past which it is stopped (default: three
                     quarters of the machine's memory, shared by the jobs)
  --sources DIR      a source mirror: upstream trees as OWNER-REPO-REV.tar.gz, used when
                     a source cannot be fetched (default: $VERIFY_SOURCES)
  --kernel-source FILE
                     a Debian linux-source tarball the offline stand-in builds a kernel
                     from; once per kernel series (default: $VERIFY_KERNEL_SOURCE, a
                     colon-separated list, or every /usr/src/linux-source-X.Y.tar.xz);
                     "none" for no kernel: modules are then evaluated, not built (an error
                     at the build level in CI)
  --cache DIR        where results are cached (default: .cache/verify)
  --no-cache         neither read nor write the cache
  --quiet            no progress lines
  --shard K/N        verify the K-th of N deterministic shares of the flakes (each flake
                     with the flakes linked to it and its expected-failure copies)
  --merge-reports    merge the shard reports given as arguments into --report FILE
  --update-nixpkgs   verify against the head of the pinned nixpkgs branch and, if every
                     snippet holds, move the lock to it
  --lock FILE        the nixpkgs lock (default: ${LOCK_FILE} in the checkout)
  -h, --help         this text

Exit codes: 0 all verified, 1 drift found, 2 usage or environment problem.`;

function writeLine(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** A status line rewritten in place (`[12/40] flakes and expected failures done`); failed steps stay as lines above it. */
function liveProgress() {
  let status = '';
  const clear = () => status && process.stderr.write('\r\x1b[2K');
  return {
    line(line: string) {
      if (/^\s+✓ /.test(line)) return;
      clear();
      process.stderr.write(`${line}\n${status}`);
    },
    count(done: number, total: number) {
      clear();
      status = `  [${done}/${total}] flakes and expected failures done`;
      process.stderr.write(status);
    },
    end() {
      clear();
      if (status) process.stderr.write(`${status}\n`);
      status = '';
    },
  };
}

export async function main(argv: string[], log = writeLine): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        level: { type: 'string' },
        nixpkgs: { type: 'string' },
        offline: { type: 'boolean', default: false },
        strict: { type: 'boolean', default: false },
        flakes: { type: 'string' },
        report: { type: 'string' },
        out: { type: 'string' },
        jobs: { type: 'string' },
        timeout: { type: 'string', default: '300' },
        'memory-limit': { type: 'string' },
        sources: { type: 'string' },
        'kernel-source': { type: 'string', multiple: true },
        cache: { type: 'string', default: '.cache/verify' },
        'no-cache': { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        shard: { type: 'string' },
        'merge-reports': { type: 'boolean', default: false },
        'update-nixpkgs': { type: 'boolean', default: false },
        lock: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    log(`${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help) {
    log(HELP);
    return 0;
  }
  const usage = (message: string) => (log(`error: ${message}\nRun with --help for the options.`), 2);
  if (values['merge-reports']) return mergeCommand(positionals, values.report, log, usage);
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  if (shard && 'problem' in shard) return usage(shard.problem);
  if (values.level !== undefined && !LEVELS.includes(values.level as Level)) {
    return usage(`--level must be one of ${LEVELS.join(', ')}, not \`${values.level}\`.`);
  }
  if (values.offline && values.nixpkgs) return usage('--offline and --nixpkgs exclude each other.');
  if (values.nixpkgs && !existsSync(values.nixpkgs)) return usage(`--nixpkgs ${values.nixpkgs}: no such directory.`);
  const jobs = values.jobs === undefined ? defaultJobs() : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) return usage(`--jobs takes a whole number of at least 1, not \`${values.jobs}\`.`);
  const timeout = Number(values.timeout);
  if (!(timeout > 0)) return usage(`--timeout takes a number of seconds, not \`${values.timeout}\`.`);
  const memoryLimit = values['memory-limit'] === undefined ? defaultMemoryLimitMiB(jobs) : Number(values['memory-limit']);
  if (!(memoryLimit >= 64)) return usage(`--memory-limit takes MiB, at least 64, not \`${values['memory-limit']}\`.`);
  const sourcesOption = values.sources ?? (process.env.VERIFY_SOURCES || undefined);
  const mirror = sourcesOption === undefined ? null : resolve(process.cwd(), sourcesOption);
  if (mirror && !existsSync(mirror)) return usage(`--sources ${sourcesOption}: no such directory.`);
  const kernelSourceOption = values['kernel-source'] ?? (process.env.VERIFY_KERNEL_SOURCE ? process.env.VERIFY_KERNEL_SOURCE.split(':') : undefined);
  if (kernelSourceOption && kernelSourceOption.includes('none') && kernelSourceOption.length > 1) return usage('--kernel-source none goes alone: it means no kernel source.');
  const kernelSources = kernelSourceOption === undefined ? undefined : kernelSourceOption[0] === 'none' ? null : kernelSourceOption.map((f) => resolve(process.cwd(), f));

  const cwd = process.cwd();
  const guide = positionals.length === 0;
  const pages = guide ? await findPages(join(ROOT, CONTENT), ROOT) : positionals.map((p) => displayPath(ROOT, resolve(cwd, p)));
  if (pages.length === 0) return usage(guide ? `no pages under ${CONTENT}.` : 'no pages given.');
  // Pages from anywhere reach the guide's glue only when asked to: they cannot fill its slots.
  const flakesDir = values.flakes !== undefined ? resolve(cwd, values.flakes) : guide ? join(ROOT, 'src/flakes') : null;
  if (values.flakes !== undefined && !existsSync(flakesDir!)) return usage(`--flakes ${values.flakes}: no such folder.`);
  // A folder --out must not replace is found before any work, not after it.
  const outProblem = values.out === undefined ? undefined : await outDirProblem(resolve(cwd, values.out), [ROOT, cwd]);
  if (outProblem) return usage(outProblem);

  const lockPath = values.lock !== undefined ? resolve(cwd, values.lock) : join(ROOT, LOCK_FILE);
  const lock = await readLock(lockPath);
  if (lock && 'problem' in lock) return usage(lock.problem);
  const update = values['update-nixpkgs'];
  if (update && (values.offline || values.nixpkgs)) return usage('--update-nixpkgs moves the lock of the pinned nixpkgs: it goes with neither --offline nor --nixpkgs.');
  const nixpkgs: NixpkgsChoice = values.offline
    ? { mode: 'offline' }
    : values.nixpkgs
      ? { mode: 'path', path: resolve(cwd, values.nixpkgs) }
      : { mode: 'pinned', ...(lock ? { lock } : {}), ...(update ? { ignoreLock: true } : {}) };
  const quiet = values.quiet;
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  // On a terminal, a live count, with only failures as lines; elsewhere (CI, logs), every line.
  const live = !quiet && !ci && log === writeLine && process.stderr.isTTY ? liveProgress() : undefined;
  const result = await verify({
    root: ROOT,
    pages,
    strict: guide || values.strict,
    flakesDir,
    level: (values.level as Level | undefined) ?? (update ? 'build' : undefined),
    nixpkgs,
    ci,
    jobs,
    timeout: `${timeout}s`,
    cacheDir: values['no-cache'] ? null : resolve(ROOT, values.cache),
    sources: mirror,
    memoryLimitMiB: memoryLimit,
    ...(shard ? { shard } : {}),
    ...(kernelSources !== undefined ? { kernelSources } : {}),
    command: ['npm run verify --', ...argv].join(' ').replace(/ --$/, ''),
    log: quiet ? () => {} : (live?.line ?? log),
    ...(live ? { onProgress: live.count } : {}),
  });
  live?.end();
  // Diagnostics first: whatever happens to the outputs, what the run found is said.
  for (const diagnostic of result.diagnostics) log(`\n${formatDiagnostic(diagnostic, result.sources)}`);
  if (result.report) log(`\n${formatSummary(result.report)}`);
  // Said even with --quiet, whole: why this run did not check against nixpkgs.
  for (const line of result.warning?.split('\n') ?? []) log(`!!! ${line}`);
  // Said even with --quiet: a level that stopped short is never a silent pass.
  for (const cap of result.report?.caps ?? []) log(`!!! LEVEL CAPPED at eval: ${cap}`);
  for (const flake of result.report?.flakes ?? []) {
    for (const pkg of flake.notBuilt) log(`!!! NOT BUILT here: ${pkg.name} of flake \`${flake.name}\` (evaluated only): ${pkg.reason}`);
  }
  if (update) return moveLock(result, lockPath, log);
  const found = result.diagnostics.length;
  await writeOutputs(result, values.report, values.out, cwd);
  for (const diagnostic of result.diagnostics.slice(found)) log(`\n${formatDiagnostic(diagnostic, result.sources)}`);
  return result.exitCode;
}

/**
 * Writes the report and `--out`. A problem with either (a folder `--out` must not replace,
 * a disk error) is a usage problem: it is added to the run's diagnostics, with exit code 2.
 */
async function writeOutputs(result: VerifyResult, report: string | undefined, out: string | undefined, cwd: string) {
  const refuse = (reason: string, file: string) => {
    result.diagnostics.push({ reason, file, ruleId: 'usage', fatal: true });
    result.exitCode = 2;
  };
  const guarded = [ROOT, cwd];
  const problem = out === undefined ? undefined : await outDirProblem(resolve(cwd, out), guarded);
  if (problem) return refuse(problem, out!);
  try {
    if (report && result.report) await writeFileAtomically(resolve(cwd, report), JSON.stringify(result.report, null, 2) + '\n');
  } catch (error) {
    return refuse(`--report ${report}: ${(error as Error).message}`, report!);
  }
  if (out === undefined) return;
  try {
    await writeOutDir(resolve(cwd, out), [...result.flakes, ...result.variants].map((flake) => withLock(flake, result.report?.nixpkgs)), { guarded });
  } catch (error) {
    refuse(error instanceof OutDirRefused ? error.message : `--out ${out}: ${(error as Error).message}`, out);
  }
}

/**
 * A flake as a reader downloads it: with a flake.lock for the nixpkgs revision it was verified
 * against, when that was a locked real nixpkgs (never for the stand-in).
 */
function withLock(flake: AssembledFlake, identity: NixpkgsIdentity | undefined): AssembledFlake {
  if (identity?.kind !== 'pinned' || !identity.locked || flake.files.some((f) => f.path === 'flake.lock')) return flake;
  const text = flakeLock({ url: identity.url, locked: identity.locked });
  return { ...flake, files: [...flake.files, { path: 'flake.lock', text, origins: text.split('\n').slice(0, -1).map((_, i) => ({ kind: 'glue' as const, path: LOCK_FILE, line: i + 1 })) }] };
}

/** After `--update-nixpkgs`: the lock moves only when every snippet held against real nixpkgs. */
async function moveLock(result: VerifyResult, lockPath: string, log: (s: string) => void): Promise<number> {
  const identity = result.report?.nixpkgs;
  if (result.exitCode !== 0) {
    log(`\nThe lock stays as it is: the guide does not verify against the new revision (exit ${result.exitCode}).`);
    return result.exitCode;
  }
  if (identity?.kind !== 'pinned' || !identity.locked) {
    log(`\nThe lock stays as it is: this run did not use the pinned nixpkgs (${identity?.label ?? 'none'}).`);
    return 2;
  }
  await writeLock(lockPath, { url: identity.url, locked: identity.locked });
  log(`\n${LOCK_FILE} now locks ${identity.label.replace(/ \(head, not locked\)$/, '')}.`);
  return 0;
}

/** `--merge-reports a.json b.json --report merged.json`: one report from the shards of a run. */
async function mergeCommand(files: string[], report: string | undefined, log: (s: string) => void, usage: (m: string) => number): Promise<number> {
  if (files.length === 0 || !report) return usage('--merge-reports takes the shard reports as arguments and writes --report FILE.');
  const reports: Report[] = [];
  for (const file of files) {
    const text = await readFile(resolve(file), 'utf8').catch(() => undefined);
    if (text === undefined) return usage(`${file}: no such report.`);
    let parsed;
    try {
      parsed = ReportSchema.safeParse(JSON.parse(text));
    } catch (error) {
      return usage(`${file} is not JSON: ${(error as Error).message}`);
    }
    if (!parsed.success) return usage(`${file} is not a report of this verifier (version ${REPORT_VERSION}).`);
    reports.push(parsed.data);
  }
  const merged = mergeReports(reports);
  if ('problem' in merged) return usage(merged.problem);
  await writeFileAtomically(resolve(report), JSON.stringify(merged, null, 2) + '\n');
  log(formatSummary(merged));
  return merged.diagnostics.length ? 1 : 0;
}

/** The machine's memory shared by the jobs and one more (the Node process, the builds). */
/** Each job's share of three quarters of the machine's memory: all jobs together leave a quarter free. */
export function defaultMemoryLimitMiB(jobs: number, totalBytes = totalmem()): number {
  return Math.floor((0.75 * totalBytes) / 2 ** 20 / jobs);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { runProgram } = await import('./verifier/program.ts');
  await runProgram(() => main(process.argv.slice(2)));
}
