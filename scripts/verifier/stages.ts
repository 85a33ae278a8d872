/**
 * What Nix is asked for each flake, and the raw answers. Turning answers into diagnostics is
 * left to `judge.ts`, so cached answers are judged exactly like fresh ones.
 */
import { readFile, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { installedModules, kernelInputs, type InstalledModule } from './kernel-modules.ts';
import { findInMirror, narHashOfPath, unpackMirrored, type GitHubSource } from './mirror.ts';
import { nixBase32Decode } from './nar.ts';
import type { NixRunner, NixResult } from './nix.ts';
import { addFixed, evalFlake, invalidPaths, readLog, realise, realiseAgain, runReaderCommand } from './nix.ts';
import { outputMatches, parseCommandBlock, parseMachineCommandBlock } from './commands.ts';
import { bootMachine, type Machine } from './vm.ts';
import type { ConsoleReading } from './vm-script.ts';
import { standinLimits, type NotBuilt } from './standin-limits.ts';
import type { Block, Level } from './types.ts';

/** What report.nix returns. */
export interface EvalReport {
  packages: Record<string, PackageInfo>;
  /** The flake's own `checks` for the system: built at the build level, like packages. */
  flakeChecks: Record<string, PackageInfo>;
  /** Outputs that are not what `nix flake check` expects of them. */
  schema: { output: string; expected: string }[];
  /** `system`: the system's `system.build.toplevel`. */
  nixosConfigurations: Record<string, { system: PackageInfo; modulePackages: PackageInfo[]; kernel: KernelInfo; boot: { kernelModules: string[]; modprobeConfig: string } }>;
  checks: Record<string, Claim>;
}

export type Claim = { type: 'module'; host: string; kernelModule: string } | { type: 'loaded'; host: string; loaded: string } | { type: string; holds: boolean };

export interface KernelInfo {
  version: string;
  modDirVersion: string;
  /** The kernel as messages name it, e.g. "Linux 6.12.118". */
  label: string;
}

export interface PackageInfo {
  name: string;
  drvPath: string;
  out: string;
  sources: SourceInfo[];
  /** `file:line` of the package's `pname`, as Nix reports it (meta.position). */
  position: string | null;
}

export interface SourceInfo {
  drvPath: string;
  out: string;
  name: string;
  outputHash: string;
  outputHashAlgo: string | null;
  outputHashMode: string;
  github: GitHubSource | null;
}

/** A source taken from the mirror, or why it could not be. */
export interface MirrorOutcome {
  drvPath: string;
  file: string;
  declared: string;
  got: string;
  added: boolean;
}

export interface CommandAnswer {
  blockId: string;
  offset: number;
  expected: string;
  stdout: string;
  stderr: string;
  ok: boolean;
  fault?: string;
}

/** Raw answers for one flake; stored in the cache as is (unless `cacheable` says no). */
export interface FlakeAnswers {
  eval: NixResult;
  report?: EvalReport;
  commands: CommandAnswer[];
  fetch?: NixResult;
  /** Sources taken from the mirror; a hash that does not match stops the run there. */
  mirror?: MirrorOutcome[];
  /** Sources neither reachable nor mirrored: the run cannot go past `eval` here. */
  unavailable?: { drvPath: string; reason: string }[];
  build?: NixResult;
  /** Packages the offline stand-in cannot build (a kernel it has no source for): not built. */
  notBuilt?: NotBuilt[];
  /** The log of the derivation whose build failed. */
  buildLog?: { drvPath: string; log: string };
  /** What each built module package installed, by output path: set once every package built (the systems come after). */
  modules?: Record<string, InstalledModule[]>;
  /** The kernel versions each built package was built against, by derivation. */
  kernels?: Record<string, string[]>;
  /** Each system as the boot level ran it, by host. */
  boots?: Record<string, HostBoot>;
  /** A Nix process that told nothing about the snippets: an environment problem. */
  fault?: string;
}

/** A system booted in the boot level's machine, and what its console said. */
export interface HostBoot {
  machine: Machine;
  reading: ConsoleReading;
  /** The commands run in it, in order, from the command blocks marked with its host. */
  commands: Array<{ blockId: string; offset: number; text: string; expected: string }>;
}

/** A cached entry that has the shape of answers (anything else is a miss). */
export function isFlakeAnswers(value: unknown): value is FlakeAnswers {
  const v = value as Partial<FlakeAnswers> | null;
  return typeof v === 'object' && v !== null && typeof v.eval?.ok === 'boolean' && typeof v.eval.stderr === 'string' && Array.isArray(v.commands) && !v.fault;
}

/** nixpkgs refuses to evaluate on a Nix older than it supports (its default.nix, lib/minver.nix). */
export const NIXPKGS_NEEDS_NEWER_NIX = /requires Nix >= ?(\d+(?:\.\d+)*)/;

/**
 * Answers that depend on the machine, not on the snippets, are never cached: a fault, a
 * timeout, a source this machine could not get, or a Nix that nixpkgs refuses.
 */
export function cacheable(answers: FlakeAnswers): boolean {
  if (NIXPKGS_NEEDS_NEWER_NIX.test(answers.eval.stderr)) return false;
  const results = [answers.eval, answers.fetch, answers.build, ...answers.commands.map((c) => ({ timedOut: false, fault: c.fault }))];
  return !answers.fault && !answers.unavailable?.length && results.every((r) => !r || (!r.timedOut && !r.fault));
}

export interface FlakeJob {
  /** Wrapper flake (`path:` ref) that evaluates it. */
  wrapper: string;
  /** Directory of the flake itself, where reader commands run. */
  dir: string;
  /** input path (as for --override-input, without the `target/` prefix) -> flake ref. */
  overrides: Array<[string, string]>;
  commandBlocks: Block[];
  level: Level;
  /** The source mirror (`--sources`), if any. */
  mirror: string | null;
  /** A scratch directory of this job's own, for unpacking mirrored sources. */
  scratch: string;
  /** The run uses the offline stand-in, which says which kernels it cannot build. */
  standin?: boolean;
  /** Evaluate without `--show-trace` (an expected failure's copy, until it fails otherwise than stated). */
  noTrace?: boolean;
  /**
   * For an expected failure's copy: whether the claims that do not hold (by name) are the
   * failure it shows, so that nothing further need be asked. Otherwise it goes on to the build,
   * where the failure it shows may be.
   */
  shownByClaims?: (failed: string[]) => boolean;
  /** Told as each stage ends: `eval`, `commands`, `fetch`, `build`, `boot`. */
  onStage?: (stage: string, ok: boolean, ms: number) => void;
  /** At the boot level: the machine each host boots as (`plain` unless named). */
  machines?: Readonly<Record<string, Machine>>;
  /** At the boot level: how long one machine may run. */
  bootTimeoutMs?: number;
}

export async function answerFlake(nix: NixRunner, job: FlakeJob): Promise<FlakeAnswers> {
  let started = performance.now();
  const stage = (name: string, ok: boolean) => {
    job.onStage?.(name, ok, performance.now() - started);
    started = performance.now();
  };
  const targetOverrides: Array<[string, string]> = [['target', `path:${job.dir}`], ...job.overrides.map(([input, ref]): [string, string] => [`target/${input}`, ref])];
  const evaluated = await evalFlake(nix, `path:${job.wrapper}#report`, targetOverrides, !job.noTrace);
  const answers: FlakeAnswers = { eval: evaluated, commands: [] };
  stage('eval', evaluated.ok);
  if (evaluated.fault) return { ...answers, fault: evaluated.fault };
  if (!evaluated.ok) return answers;
  try {
    answers.report = JSON.parse(evaluated.stdout) as EvalReport;
  } catch {
    return { ...answers, fault: `Nix printed something that is not JSON for \`nix eval --json\`:\n${evaluated.stdout.slice(0, 300)}` };
  }

  for (const block of job.commandBlocks.filter((b) => b.annotation.role === 'command' && !b.annotation.host)) {
    const parsed = parseCommandBlock(block.code);
    if (!parsed.ok) continue;
    for (const command of parsed.commands) {
      const result = await runReaderCommand(nix, command.argv, job.dir, job.overrides);
      answers.commands.push({
        blockId: block.id,
        offset: command.offset,
        expected: command.expected,
        stdout: result.stdout,
        stderr: result.stderr,
        ok: result.ok,
        ...(result.fault ? { fault: result.fault } : {}),
      });
      if (result.fault) return { ...answers, fault: result.fault };
    }
  }
  if (job.commandBlocks.some((b) => b.annotation.role === 'command' && !b.annotation.host)) stage('commands', answers.commands.every((c) => c.ok && outputMatches(c.expected, c.stdout)));
  const failedClaims = Object.entries(answers.report.checks).filter(([, c]) => c.type === 'bool' && !('holds' in c && c.holds));
  if (job.shownByClaims?.(failedClaims.map(([name]) => name))) return answers;

  const packages = packagesOf(answers.report);
  if (job.level === 'fetch' || job.level === 'build') {
    const sources = [...new Map(packages.flatMap((p) => p.sources).map((s) => [s.drvPath, s])).values()];
    if (sources.length) {
      await fetchSources(nix, job, sources, answers);
      stage('fetch', !!answers.fetch?.ok);
      if (!answers.fetch?.ok) return answers;
    }
  }
  if ((job.level === 'build' || job.level === 'boot') && packages.length) {
    let buildable = [...new Map(packages.map((p) => [p.drvPath, p])).values()];
    if (job.standin) {
      const limits = await standinLimits(nix, [...new Map(outputNames(answers.report).map((o) => [o.drvPath, o])).values()]);
      if (limits.fault) return { ...answers, fault: limits.fault };
      if (limits.notBuilt.length) answers.notBuilt = limits.notBuilt;
      buildable = buildable.filter((p) => !limits.notBuilt.some((n) => n.drvPath === p.drvPath));
    }
    if (buildable.length === 0) return answers;
    // The packages first, then the systems, whose module trees merge them: a package's own
    // failure, or a module installed in the wrong place, is then told as that, not as the
    // system's failure it causes.
    const systems = new Set(Object.values(answers.report.nixosConfigurations).map((h) => h.system.drvPath));
    const built = async (batch: PackageInfo[]): Promise<boolean> => {
      if (batch.length === 0) return true;
      const build = await realise(nix, batch.map((p) => p.drvPath));
      answers.build = build;
      stage('build', build.ok);
      if (build.fault) answers.fault = build.fault;
      if (build.ok || build.fault) return build.ok;
      const drvPath = failedDerivation(build.stderr);
      if (drvPath) {
        const log = await readLog(nix, drvPath);
        if (log.ok) answers.buildLog = { drvPath, log: log.stdout };
      }
      return false;
    };
    if (!(await built(buildable.filter((p) => !systems.has(p.drvPath))))) return answers;
    answers.kernels = {};
    for (const pkg of buildable.filter((p) => !systems.has(p.drvPath))) {
      const aterm = await readFile(pkg.drvPath, 'utf8').catch((error: Error) => error);
      if (aterm instanceof Error) return { ...answers, fault: `A derivation in the store cannot be read: ${aterm.message}` };
      answers.kernels[pkg.drvPath] = kernelInputs(aterm);
    }
    answers.modules = {};
    for (const pkg of Object.values(answers.report.nixosConfigurations).flatMap((h) => h.modulePackages)) {
      if (buildable.some((p) => p.drvPath === pkg.drvPath)) answers.modules[pkg.out] = await installedModules(pkg.out);
    }
    const systemsBuilt = await built(buildable.filter((p) => systems.has(p.drvPath)));
    if (job.level === 'boot' && systemsBuilt) await bootSystems(job, answers, buildable, stage);
  }
  return answers;
}

/** Boots each built system in its machine, with the commands of the blocks marked with its host. */
async function bootSystems(job: FlakeJob, answers: FlakeAnswers, built: readonly PackageInfo[], stage: (name: string, ok: boolean) => void): Promise<void> {
  answers.boots = {};
  for (const [host, config] of Object.entries(answers.report!.nixosConfigurations)) {
    if (!built.some((p) => p.drvPath === config.system.drvPath)) continue;
    const commands = job.commandBlocks.flatMap((block) => {
      if (block.annotation.role !== 'command' || block.annotation.host !== host) return [];
      const parsed = parseMachineCommandBlock(block.code);
      return parsed.ok ? parsed.commands.map((c) => ({ blockId: block.id, offset: c.offset, text: c.text, expected: c.expected })) : [];
    });
    const machine = job.machines?.[host] ?? 'plain';
    const booted = await bootMachine({
      kernelImage: join(config.system.out, 'kernel'),
      moduleTree: join(config.system.out, 'kernel-modules'),
      modprobeConfig: config.boot.modprobeConfig,
      plan: { kernelModules: config.boot.kernelModules, commands: commands.map((c) => c.text) },
      machine,
      scratch: join(job.scratch, 'boot', host),
      timeoutMs: job.bootTimeoutMs ?? 120_000,
    });
    if ('fault' in booted) return void (answers.fault = `Booting \`${host}\`: ${booted.fault}`);
    answers.boots[host] = { machine, reading: booted.reading, commands };
    stage('boot', commands.every((c, i) => outputMatches(c.expected, booted.reading.commands[i]!.output)));
  }
}

/**
 * Realises the fixed-output sources: what the store has needs nothing; the rest is fetched
 * for real, and what cannot be fetched comes from the mirror, when it holds it with the
 * declared hash. What neither gives is `unavailable`.
 */
async function fetchSources(nix: NixRunner, job: FlakeJob, sources: SourceInfo[], answers: FlakeAnswers): Promise<void> {
  const missing = await invalidPaths(nix, sources.map((s) => s.out));
  if (missing.fault) return void (answers.fault = missing.fault);
  answers.mirror = [];
  answers.unavailable = [];
  await checkStored(nix, job, sources.filter((s) => !missing.invalid.has(s.out)), answers);
  if (answers.fault || answers.unavailable.length || answers.mirror.some((m) => !m.added)) return;
  const pending = sources.filter((s) => missing.invalid.has(s.out));
  if (pending.length === 0) {
    answers.fetch = { ok: true, stdout: '', stderr: '', timedOut: false };
    return;
  }
  const fetched = await realise(nix, pending.map((s) => s.drvPath));
  answers.fetch = fetched;
  if (fetched.ok || fetched.fault || fetched.timedOut || /hash mismatch/.test(fetched.stderr)) {
    if (fetched.fault) answers.fault = fetched.fault;
    return;
  }
  const still = await invalidPaths(nix, pending.map((s) => s.out));
  if (still.fault) return void (answers.fault = still.fault);
  const why = fetched.stderr.trim().split('\n').find((l) => /error/i.test(l))?.trim() ?? 'the fetch failed';
  for (const source of pending.filter((s) => still.invalid.has(s.out))) {
    const file = job.mirror && source.github && source.outputHashMode === 'recursive' ? findInMirror(job.mirror, source.github) : undefined;
    if (!file) {
      answers.unavailable.push({ drvPath: source.drvPath, reason: `${why}${job.mirror ? `; the source mirror ${job.mirror} has no ${describe(source)}` : '; no source mirror was given (--sources)'}` });
      continue;
    }
    const outcome = await fromMirror(nix, job, source, file);
    if (typeof outcome === 'string') return void (answers.fault = outcome);
    answers.mirror.push(outcome);
  }
  if (answers.unavailable.length || answers.mirror.some((m) => !m.added)) return;
  answers.fetch = await realise(nix, pending.map((s) => s.drvPath));
  if (answers.fetch.fault) answers.fault = answers.fetch.fault;
}

/**
 * Sources the store already holds are checked too: the store finds a source by its hash, so a
 * `rev` moved while `hash` stayed would be answered with the old tree, and a reader on a fresh
 * machine would get a hash mismatch. A mirrored tree of that exact owner/repo/rev is hashed and
 * compared; any other source is fetched again (`nix-store --realise --check`). One that can be
 * neither is not checked here: the level stops short, never passes.
 */
async function checkStored(nix: NixRunner, job: FlakeJob, stored: SourceInfo[], answers: FlakeAnswers): Promise<void> {
  for (const source of stored) {
    const file = job.mirror && source.github && source.outputHashMode === 'recursive' ? findInMirror(job.mirror, source.github) : undefined;
    if (file) {
      const outcome = await hashMirrored(job, source, file);
      if (typeof outcome === 'string') return void (answers.fault = outcome);
      if (outcome.got !== outcome.declared) answers.mirror!.push({ drvPath: source.drvPath, file, declared: outcome.declared, got: outcome.got, added: false });
      continue;
    }
    const again = await realiseAgain(nix, source.drvPath);
    if (again.fault) return void (answers.fault = again.fault);
    if (again.ok || /may not be deterministic|differs/.test(again.stderr)) continue;
    if (/hash mismatch/.test(again.stderr)) {
      answers.fetch = again;
      return;
    }
    const why = again.stderr.trim().split('\n').find((l) => /error/i.test(l))?.trim() ?? 'the fetch failed';
    answers.unavailable!.push({ drvPath: source.drvPath, reason: `${describe(source)} is in the store, and could not be fetched again to check that it is what \`rev\` names (${why})${job.mirror ? `; the source mirror ${job.mirror} has no ${describe(source)}` : '; no source mirror was given (--sources)'}` });
  }
}

/** The declared hash of a source and the NAR hash of its tree in the mirror. */
async function hashMirrored(job: FlakeJob, source: SourceInfo, file: string): Promise<{ declared: string; got: string; top: string } | string> {
  let top: string;
  try {
    top = await unpackMirrored(file, join(job.scratch, basename(source.drvPath)));
  } catch (error) {
    return `The source mirror's ${file} cannot be unpacked: ${(error as Error).message}`;
  }
  return { declared: sriOf(source.outputHash, source.outputHashAlgo), got: `sha256-${(await narHashOfPath(top)).toString('base64')}`, top };
}

async function fromMirror(nix: NixRunner, job: FlakeJob, source: SourceInfo, file: string): Promise<MirrorOutcome | string> {
  const hashed = await hashMirrored(job, source, file);
  if (typeof hashed === 'string') return hashed;
  const { declared, got, top } = hashed;
  if (got !== declared) return { drvPath: source.drvPath, file, declared, got, added: false };
  // The store names the tree after the derivation's `name`, as a fetch would.
  const named = join(dirname(top), source.name);
  if (named !== top) await rename(top, named);
  const added = await addFixed(nix, named, 'recursive');
  if (!added.ok) return `Nix could not add the mirrored ${file} to the store:\n${(added.fault ?? added.stderr).trim()}`;
  const path = added.stdout.trim();
  if (path !== source.out) return `Nix stored the mirrored ${file} at ${path}, not at ${source.out}, the output of ${source.drvPath}.`;
  return { drvPath: source.drvPath, file, declared, got, added: true };
}

function describe(source: SourceInfo): string {
  return source.github ? `${source.github.owner}/${source.github.repo} at ${source.github.rev}` : source.name;
}

/** `outputHash` in any form Nix takes (SRI, base-32, hex), as SRI. */
export function sriOf(hash: string, algo: string | null): string {
  if (/^sha256-/.test(hash)) return hash;
  const bare = hash.replace(/^sha256:/, '');
  if ((algo === 'sha256' || hash.startsWith('sha256:')) && /^[0-9a-z]{52}$/.test(bare)) return `sha256-${Buffer.from(nixBase32Decode(bare)).toString('base64')}`;
  if (/^[0-9a-f]{64}$/.test(bare)) return `sha256-${Buffer.from(bare, 'hex').toString('base64')}`;
  return hash;
}

/** The derivation whose builder failed, as Nix 2.8 ("builder for '…' failed") and later ("Cannot build '…'") name it. */
export function failedDerivation(stderr: string): string | undefined {
  return /(?:builder for|Cannot build) '(\/nix\/store\/[0-9a-z]{32}-[^']+\.drv)'/.exec(stderr)?.[1];
}

/**
 * What a flake builds: its `packages`, its `checks`, every system's module packages, and then
 * each system itself (which merges its module trees).
 */
export function packagesOf(report: EvalReport): PackageInfo[] {
  const hosts = Object.values(report.nixosConfigurations);
  return [
    ...Object.values(report.packages),
    ...Object.values(report.flakeChecks),
    ...hosts.flatMap((host) => host.modulePackages),
    ...hosts.map((host) => host.system),
  ];
}

/** Each package's derivation with the flake output it is at (`checks.NAME`, …), as reports name it. */
function outputNames(report: EvalReport): { drvPath: string; name: string }[] {
  return [
    ...Object.entries(report.packages).map(([name, p]) => ({ drvPath: p.drvPath, name: `packages.${name}` })),
    ...Object.entries(report.flakeChecks).map(([name, p]) => ({ drvPath: p.drvPath, name: `checks.${name}` })),
    ...Object.entries(report.nixosConfigurations).flatMap(([host, h]) =>
      [
        ...h.modulePackages.map((p) => ({ drvPath: p.drvPath, name: `${p.name} in boot.extraModulePackages of ${host}` })),
        { drvPath: h.system.drvPath, name: `nixosConfigurations.${host}.config.system.build.toplevel` },
      ],
    ),
  ];
}
