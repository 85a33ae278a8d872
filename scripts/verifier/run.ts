/**
 * One verification run: pages -> blocks -> flakes -> Nix -> report. This module wires the
 * pure parts (extract, assemble, judge) to the impure ones (files, Nix, cache).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import pLimit from 'p-limit';
import { assemble, likelyForm, standaloneForms } from './assemble.ts';
import { cacheKey, fileCache, PAGES_FILE, type Cache } from './cache.ts';
import { parseCommandBlock, parseMachineCommandBlock } from './commands.ts';
import { extractBlocks, type Extraction } from './extract.ts';
import { flakeProblems } from './flake-graph.ts';
import { shareOf, type Shard } from './shard.ts';
import { readPageText } from './pages.ts';
import { loadGlue, type GlueFlake } from './glue.ts';
import { claimShows, judgeExpectedFailure, judgeFlake, type Judgement } from './judge.ts';
import { detectNix, type NixRunner } from './nix.ts';
import { compareVersions } from './kernel-modules.ts';
import { bootUnavailable } from './vm.ts';
import { judgeParse, parseTargets, type ParseTarget } from './parse-stage.ts';
import { stripAnsi, type SourceIndex } from './nix-output.ts';
import { pinnedUrl, resolveNixpkgs, type NixpkgsChoice, type ResolvedNixpkgs } from './nixpkgs.ts';
import { buildReport } from './summary.ts';
import { answerFlake, cacheable, isFlakeAnswers, NIXPKGS_NEEDS_NEWER_NIX, type FlakeAnswers } from './stages.ts';
import { LEVELS, type AssembledFile, type AssembledFlake, type Block, type Diagnostic, type Level, type Report } from './types.ts';
import { addFlake, createWorkspace, writeTree, writeWrapper } from './workspace.ts';

export interface VerifyOptions {
  root: string;
  pages: string[];
  strict: boolean;
  /** Glue directory (`src/flakes`); null: no glue (pages linted from anywhere). */
  flakesDir: string | null;
  level: Level | undefined;
  nixpkgs: NixpkgsChoice;
  ci: boolean;
  jobs: number;
  timeout: `${number}s`;
  cacheDir: string | null;
  /** Verify only this shard's share of the flakes (`--shard K/N`). */
  shard?: Shard;
  /** Memory per Nix call, in MiB, past which it is stopped. */
  memoryLimitMiB?: number;
  /** A source mirror (`--sources`): upstream trees as `OWNER-REPO-REV.tar.gz`. */
  sources: string | null;
  /** Debian's linux-source tarballs, for the stand-in's kernels (default: those installed; null: none). */
  kernelSources?: readonly string[] | null;
  command: string;
  log: (line: string) => void;
  /** Told each time a flake or an expected failure is done, out of how many. */
  onProgress?: (done: number, total: number) => void;
  /** For the benchmark: every Nix call, and the scratch directory is kept. */
  onNixCall?: NixRunner['onCall'];
  keepWorkspace?: boolean;
}

export interface VerifyResult {
  exitCode: 0 | 1 | 2;
  report?: Report;
  flakes: AssembledFlake[];
  /** Copies of flakes built around expected-failure blocks. */
  variants: AssembledFlake[];
  diagnostics: Diagnostic[];
  /** Page and glue sources by path, for code frames. */
  sources: Map<string, string>;
  warning?: string;
  /** The scratch directory, when `keepWorkspace` asked to keep it. */
  workspace?: string;
  /** Wall-clock milliseconds per stage of the run (`pages`, `nix`, `nixpkgs`, `trees`, `parse`, `flakes`). */
  timings: Record<string, number>;
}

const VERIFIER_DIR = import.meta.dirname;
const MARKDOWN_DIR = join(VERIFIER_DIR, '../../src/markdown');

export async function verify(options: VerifyOptions): Promise<VerifyResult> {
  const timings: Record<string, number> = {};
  let mark = performance.now();
  const lap = (stage: string) => {
    const now = performance.now();
    timings[stage] = (timings[stage] ?? 0) + (now - mark);
    mark = now;
  };
  // Nix is probed while the pages are read; it is needed only once they are.
  const detecting = detectNix(options.timeout);
  // The run's two caches (pages, Nix's answers) share one folder: one warning for both.
  let cacheWarned = false;
  const cacheWarning = (message: string) => {
    if (!cacheWarned) process.stderr.write(`warning: ${message}\n`);
    cacheWarned = true;
  };
  const { code, sources, blocks, diagnostics, assembly } = await readInputs(options, cacheWarning).catch(async (error: unknown) => {
    await detecting; // No Nix process outlives the run.
    throw error;
  });
  lap('pages');
  const result = (exitCode: 0 | 1 | 2, extra: Partial<VerifyResult> = {}): VerifyResult => ({
    exitCode,
    timings,
    flakes: assembly.flakes,
    variants: assembly.variants,
    diagnostics,
    sources,
    ...extra,
  });
  if (diagnostics.some((d) => d.fatal)) {
    await detecting; // No Nix process outlives the run.
    return result(2);
  }
  // A shard runs its share of the flakes, their copies and blocks; the rest is another shard's.
  const share = options.shard ? shareOf(options.shard, assembly.flakes, assembly.variants, blocks) : { flakes: assembly.flakes, variants: assembly.variants, blocks };

  const nix = await detecting;
  lap('nix');
  if ('problem' in nix) return result(2, { diagnostics: [...diagnostics, environmentProblem(nix.problem)] });
  if (options.onNixCall) nix.onCall = options.onNixCall;
  if (options.memoryLimitMiB) nix.memoryLimitMiB = options.memoryLimitMiB;

  const pinned = pinnedUrl(assembly.flakes);
  if (pinned.problem) return result(2, { diagnostics: [...diagnostics, environmentProblem(pinned.problem)] });
  const ws = await createWorkspace();
  try {
    // The parse level reads no nixpkgs: it needs neither the network nor the stand-in.
    const nixpkgs =
      assembly.flakes.length && options.level !== 'parse'
        ? await resolveNixpkgs(nix, options.nixpkgs, pinned.url, options.ci, { workspace: ws.dir, kernelSources: options.kernelSources, cacheDir: options.cacheDir })
        : ({ identity: { kind: 'none', label: 'no nixpkgs (parse level only)' }, ref: '' } satisfies ResolvedNixpkgs);
    lap('nixpkgs');
    if ('problem' in nixpkgs) return result(2, { diagnostics: [...diagnostics, environmentProblem(nixpkgs.problem)] });
    if (nixpkgs.minimumNix && compareVersions(nix.version, nixpkgs.minimumNix) < 0) {
      return result(2, { diagnostics: [...diagnostics, environmentProblem(tooOldProblem(nix, nixpkgs, nixpkgs.minimumNix))] });
    }
    if (nixpkgs.identity.kind === 'standin') nix.realiseFlags = ['--option', 'substituters', ''];

    // Go as far as this machine can: a checkout is evaluated only, and so is a stand-in without
    // a kernel; the systems boot where QEMU and the rest are installed, and are built otherwise.
    const noBoot = bootUnavailable();
    const level: Level = options.level ?? (nixpkgs.identity.kind === 'path' || nixpkgs.noKernel ? 'eval' : noBoot ? 'build' : 'boot');
    // Without a kernel, every module would be "not built here": a build level that builds nothing.
    const noKernel = nixpkgs.noKernel && LEVELS.indexOf(level) >= LEVELS.indexOf('build') ? `The offline stand-in has no kernel to build modules against: ${nixpkgs.noKernel}` : undefined;
    if (noKernel && options.ci) {
      return result(2, { diagnostics: [...diagnostics, environmentProblem(`${noKernel}\nIn CI this is an error, so that a build level never passes without building.`)] });
    }
    const evalOnly = nixpkgs.noKernel && !options.level ? `The offline stand-in has no kernel to build modules against: ${nixpkgs.noKernel}\nVerifying at the eval level: modules are evaluated, not built.` : undefined;
    const buildOnly = !options.level && level === 'build' && noBoot ? `${noBoot}\nVerifying at the build level: no system is booted.` : undefined;
    const warning = [nixpkgs.warning, noKernel && `${noKernel}\nModules are evaluated, not built.`, evalOnly, buildOnly].filter(Boolean).join('\n');
    if (warning) options.log(`\n!!! ${warning.replaceAll('\n', '\n!!! ')}\n`);
    const cache = fileCache(options.cacheDir, ws.dir, cacheWarning);
    const salt = [code, nix.version, nixpkgs.identity, level];
    const run = new Run({ options, nix, nixpkgs, ws, cache, salt, level, blocks: share.blocks, sources, lap });
    const judged = await run.all(share.flakes, share.variants);
    await cache.close();
    if (judged.faults.length) {
      return result(2, { diagnostics: [...diagnostics, ...judged.faults.map((f) => environmentProblem(f))] });
    }
    const caps = [...new Set([...[...judged.judgements.values()].flatMap((j) => (j.cap ? [j.cap] : [])), ...judged.copyCaps.values()])];
    if (caps.length && options.ci) {
      const problem = `${caps.join('\n')}\nIn CI this is an error: give the network access, or a source mirror with --sources DIR (or VERIFY_SOURCES).`;
      return result(2, { diagnostics: [...diagnostics, environmentProblem(problem)] });
    }

    // nixpkgs, and the stand-in like it, refuse a Nix older than their minimum: no reader could
    // reproduce what such a run says, so it is an environment problem, never a verdict.
    const tooOld = judged.diagnostics.map((d) => NIXPKGS_NEEDS_NEWER_NIX.exec(d.reason)?.[1]).find(Boolean);
    if (tooOld) return result(2, { diagnostics: [...diagnostics, environmentProblem(tooOldProblem(nix, nixpkgs, tooOld))] });
    diagnostics.push(...judged.diagnostics);
    const report = buildReport({
      command: options.command,
      nixVersion: nix.version,
      nixName: nix.name,
      nixpkgs: nixpkgs.identity,
      level,
      blocks: share.blocks,
      flakes: [...share.flakes, ...share.variants],
      judgements: judged.judgements,
      parseFailures: judged.parseFailures,
      diagnostics,
      caps,
      failedAt: judged.failedAt,
      notRun: new Map([...[...judged.copyCaps.keys()].map((id): [string, null] => [id, null]), ...judged.notShown]),
      blocked: judged.folded,
    });
    lap('report');
    const drift = diagnostics.length > 0;
    return result(drift ? 1 : 0, {
      report,
      ...(warning ? { warning } : {}),
      ...(options.keepWorkspace ? { workspace: ws.dir } : {}),
    });
  } finally {
    if (!options.keepWorkspace) await ws.remove();
  }
}

function tooOldProblem(nix: NixRunner, nixpkgs: ResolvedNixpkgs, minimum: string): string {
  return `${nix.name} is too old for ${nixpkgs.identity.label}, which needs Nix ${minimum} or newer. Use a current Nix: scripts/setup-machine.sh installs one (Nix's official installer, or Debian 13's nix-bin where that cannot be reached). Only --level parse and pages that use no nixpkgs work with this Nix.`;
}

interface RunContext {
  options: VerifyOptions;
  nix: NixRunner;
  nixpkgs: ResolvedNixpkgs;
  ws: Awaited<ReturnType<typeof createWorkspace>>;
  cache: Cache;
  /** Everything besides a flake's own trees that its results depend on. */
  salt: unknown[];
  level: Level;
  blocks: Block[];
  /** Texts of pages, glue and checks files by their display path. */
  sources: ReadonlyMap<string, string>;
  /** Ends a stage of the run's timings. */
  lap: (stage: string) => void;
}

class Run {
  private readonly index: SourceIndex;
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly byId: Map<string, Block>;
  /** Every assembled flake and copy by name, with its directory and tree hash. */
  private readonly placed = new Map<string, { flake: AssembledFlake; dir: string; hash: string }>();
  /** nixpkgs put in place for Nix (at the first evaluation), or what went wrong. */
  private prepared: Promise<string | undefined> | undefined;
  /** Trees on disk (or being written), by flake name: written only when Nix is to read them. */
  private readonly written = new Map<string, Promise<void>>();

  private readonly ctx: RunContext;

  constructor(ctx: RunContext) {
    this.ctx = ctx;
    this.index = ctx.ws.index;
    this.limit = pLimit(Math.max(1, ctx.options.jobs));
    this.byId = new Map(ctx.blocks.map((b) => [b.id, b]));
  }

  async all(flakes: AssembledFlake[], variants: AssembledFlake[]) {
    for (const flake of [...flakes, ...variants]) this.placed.set(flake.name, { flake, ...addFlake(this.ctx.ws, flake) });
    this.ctx.lap('trees');

    const parse = await this.parse(flakes);
    this.ctx.lap('parse');
    const judgements = new Map<string, Judgement>();
    const diagnostics: Diagnostic[] = [...parse.diagnostics];
    const faults: string[] = parse.fault ? [parse.fault] : [];
    const failedAt = new Map<string, { level: Level; text: string }>();
    /** Expected failures that could not be shown here (their copy could not be fetched). */
    const copyCaps = new Map<string, string>();
    /** Expected failures the offline stand-in cannot build: not run, and not an error. */
    const notShown = new Map<string, string>();
    if (parse.fault) return { judgements, diagnostics, parseFailures: parse.failedBlocks, faults, failedAt, copyCaps, notShown, folded: new Map<string, string>() };
    const broken = (flake: AssembledFlake, seen = new Set<string>()): boolean =>
      parse.failedFlakes.has(flake.name) ||
      Object.values(flake.links).some((l) => !seen.has(l) && broken(this.placed.get(l)!.flake, seen.add(l)));

    const checkFlake = async (flake: AssembledFlake) => {
      if (broken(flake)) {
        this.progress('✗', flake.name, 'parse', 0);
        return;
      }
      const answers = await this.answer(flake);
      if (answers.answers.fault) return void faults.push(`Flake \`${flake.name}\`: ${answers.answers.fault}`);
      const judgement = judgeFlake(flake, answers.answers, {
        index: this.index,
        blocks: this.byId,
        ...(flake.checks ? { checks: { source: flake.checks, text: this.ctx.sources.get(flake.checks)! } } : {}),
        level: this.ctx.level,
      });
      judgements.set(flake.name, judgement);
      diagnostics.push(...judgement.diagnostics);
      if (answers.cached) this.progress(judgement.diagnostics.length ? '✗' : '✓', flake.name, judgement.level ?? 'parse', 0, true);
    };

    // Expected failures: every copy made for a block is evaluated; one must fail as stated.
    const checkFailure = async (blockId: string, copies: AssembledFlake[]) => {
      const started = Date.now();
      // A copy goes as far as it takes to fail (a build failure shows only when built), and
      // stops at its first failure.
      // Without --show-trace first: only a copy whose evaluation fails otherwise than stated
      // needs the trace, to say where.
      const judge = async (trace: boolean) => {
        // Every copy settles before an error is raised: no Nix process outlives the run.
        const level = this.ctx.level === 'boot' ? 'boot' : 'build';
        const settled = await Promise.allSettled(copies.map((copy) => this.answer(copy, { level, showStages: false, trace })));
        const answered = settled.map((s) => {
          if (s.status === 'rejected') throw s.reason;
          return s.value;
        });
        const fault = answered.find((a) => a.answers.fault)?.answers.fault;
        return { answered, fault, ...(fault ? {} : judgeExpectedFailure(this.byId.get(blockId)!, answered.map((a) => a.answers), level)) };
      };
      let judged = await judge(false);
      if (!judged.fault && judged.problem && judged.answered.some((a) => !a.answers.eval.ok)) judged = await judge(true);
      const { answered, fault, problem, level, text, cap, notBuilt } = judged;
      if (fault) return void faults.push(`The copy of \`${copies[0]!.variantOf ? copies[0]!.name.split('~')[0] : copies[0]!.name}\` for ${blockId}: ${fault}`);
      if (problem) diagnostics.push(problem);
      if (level) failedAt.set(blockId, { level, text: text ?? '' });
      if (cap) copyCaps.set(blockId, cap);
      if (notBuilt) notShown.set(blockId, notBuilt);
      this.progress(problem ? '✗' : '✓', copies[0]!.name, 'fails', Date.now() - started, answered.every((a) => a.cached));
    };

    const byBlock = new Map<string, AssembledFlake[]>();
    for (const variant of variants) byBlock.set(variant.variantOf!, [...(byBlock.get(variant.variantOf!) ?? []), variant]);
    // One pool for both, so copies run while main flakes still evaluate.
    // Every task settles before the caller cleans up; the first error, if any, is raised after.
    if (this.ctx.level === 'parse') {
      // Asked to go no further: nothing is evaluated, and nothing is said to be.
      for (const flake of flakes) if (!broken(flake)) judgements.set(flake.name, { level: 'parse', diagnostics: [], checks: [], builtAgainst: [] });
      for (const blockId of byBlock.keys()) notShown.set(blockId, 'Not checked: the run stopped at the parse level (--level parse).');
      return { judgements, diagnostics: dedupe(diagnostics), parseFailures: parse.failedBlocks, faults, failedAt, copyCaps, notShown, folded: new Map<string, string>() };
    }
    const total = flakes.length + byBlock.size;
    let done = 0;
    const counted = (task: () => Promise<void>) => () => task().finally(() => this.ctx.options.onProgress?.(++done, total));
    const settled = await Promise.allSettled([
      ...flakes.map((flake) => this.limit(counted(() => checkFlake(flake)))),
      ...[...byBlock].map(([blockId, copies]) => this.limit(counted(() => checkFailure(blockId, copies)))),
    ]);
    this.ctx.lap('flakes');
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const folded = groupUnderCauses(diagnostics);
    return { judgements, diagnostics: dedupe(diagnostics), parseFailures: parse.failedBlocks, faults, failedAt, copyCaps, notShown, folded };
  }

  /** Writes a flake's tree and the trees it links to, once. */
  private writeFlake(name: string): Promise<void> {
    let writing = this.written.get(name);
    if (!writing) {
      const { flake, dir } = this.placed.get(name)!;
      writing = Promise.all([writeTree(dir, flake.files), ...Object.values(flake.links).map((l) => this.writeFlake(l))]).then(() => {});
      this.written.set(name, writing);
    }
    return writing;
  }

  /** Nix's parser over every assembled file and every block on its own. */
  private async parse(flakes: AssembledFlake[]) {
    const started = Date.now();
    const targets = new Map<string, ParseTarget>();
    for (const flake of flakes) {
      for (const file of flake.files) {
        if (file.path.endsWith('.nix')) targets.set(join(this.placed.get(flake.name)!.dir, file.path), { file, flake: flake.name });
      }
    }
    // Blocks on their own: the likely form first, the other only for those it fails, so a
    // well-formed block costs no process of its own.
    const standalone: AssembledFlake = { name: '(blocks)', files: [], links: {} };
    const blockDir = join(this.ctx.ws.dir, 'blocks');
    this.ctx.ws.roots.set(blockDir, standalone);
    const loose = this.ctx.blocks.filter((b) => b.annotation.role === 'lint' || b.annotation.role === 'fragment');
    const place = (forms: Array<[Block, 'expression' | 'bindings']>) => {
      const placed = new Map<string, ParseTarget>();
      for (const [block, form] of forms) {
        const file = { ...standaloneForms(block)[form], path: `${block.id.replace(/[^\w.-]+/g, '_')}.${form}.nix` };
        standalone.files.push(file);
        placed.set(join(blockDir, file.path), { file, block });
      }
      return placed;
    };
    // Only what the cache does not answer is written, for the parser to read.
    const write = async (uncached: ReadonlyMap<string, ParseTarget>) => {
      const flakes = new Set([...uncached.values()].flatMap((t) => (t.flake ? [t.flake] : [])));
      const blockFiles = [...uncached.values()].flatMap((t) => (t.block ? [t.file] : []));
      await Promise.all([...[...flakes].map((name) => this.writeFlake(name)), writeTree(blockDir, blockFiles)]);
    };
    const first = place(loose.map((b) => [b, likelyForm(b.code)]));
    for (const [path, target] of first) targets.set(path, target);

    const salt = this.ctx.salt.slice(0, 2);
    const pass = await parseTargets(this.ctx.nix, this.ctx.cache, targets, salt, write, this.ctx.options.jobs);
    if (pass.fault) return { diagnostics: [], failedFlakes: new Set<string>(), failedBlocks: new Set<string>(), fault: pass.fault };
    const other = (form: 'expression' | 'bindings') => (form === 'expression' ? 'bindings' : 'expression');
    const retry = place([...first].filter(([path]) => pass.failures.has(path)).map(([, t]) => [t.block!, other(likelyForm(t.block!.code))]));
    const again = retry.size ? await parseTargets(this.ctx.nix, this.ctx.cache, retry, salt, write, this.ctx.options.jobs) : { failures: new Map<string, string>(), cached: true };
    if ('fault' in again && again.fault) return { diagnostics: [], failedFlakes: new Set<string>(), failedBlocks: new Set<string>(), fault: again.fault };
    for (const [path, target] of retry) targets.set(path, target);
    const failures = new Map([...pass.failures, ...again.failures]);
    const cached = pass.cached && again.cached;
    const judged = judgeParse(targets, failures, this.index);
    this.progress(judged.diagnostics.length ? '✗' : '✓', `${targets.size} files`, 'parse', Date.now() - started, cached);
    return { ...judged, diagnostics: dedupe(judged.diagnostics) };
  }

  private async answer(flake: AssembledFlake, how: { level?: Level; showStages?: boolean; trace?: boolean } = {}): Promise<{ answers: FlakeAnswers; cached: boolean }> {
    const { level = this.ctx.level, showStages = true, trace = true } = how;
    const overrides = this.overrides(flake);
    const commandBlocks = flake.variantOf
      ? []
      : this.ctx.blocks.filter((b) => b.annotation.role === 'command' && b.annotation.flake === flake.name);
    const checks = flake.checks ? this.ctx.sources.get(flake.checks)! : null;
    // Answers name their command blocks by id (page:line), so the ids are part of the key.
    const commands = commandBlocks.map((b) => [b.id, b.codeLine, b.code]);
    // An expected failure's copy, and the text it is shown failing with.
    const fails = flake.variantOf ? this.ctx.blocks.find((b) => b.id === flake.variantOf)?.annotation : undefined;
    const shown = fails?.role === 'expected-failure' ? fails.fails : null;
    const key = cacheKey('flake', this.ctx.salt, level, this.treeHash(flake), checks, commands, shown, trace, flake.machines ?? null);
    const hit = await this.ctx.cache.get(key, isFlakeAnswers);
    if (hit) return { answers: hit, cached: true };

    const problem = await (this.prepared ??= this.ctx.nixpkgs.prepare?.() ?? Promise.resolve(undefined));
    if (problem) return { answers: { eval: { ok: false, stdout: '', stderr: '', timedOut: false, fault: problem }, commands: [], fault: problem }, cached: false };
    const dir = this.placed.get(flake.name)!.dir;
    await this.writeFlake(flake.name);
    const wrapper = await writeWrapper(this.ctx.ws, flake.name, flake.checks ? { source: flake.checks, text: checks! } : null);
    if (flake.checks) this.indexChecks([wrapper.dir, wrapper.storePath], flake.checks, checks!);
    const onStage = (stage: string, ok: boolean, ms: number) => this.progress(ok ? '✓' : '✗', flake.name, stage, ms);
    const answers = await answerFlake(this.ctx.nix, {
      wrapper: wrapper.dir,
      dir,
      overrides,
      commandBlocks,
      level,
      mirror: this.ctx.options.sources,
      scratch: join(this.ctx.ws.dir, 'mirror', flake.name),
      ...(flake.machines ? { machines: flake.machines } : {}),
      bootTimeoutMs: Math.min(parseFloat(this.ctx.options.timeout) * 1000, 180_000),
      ...(shown !== null ? { shownByClaims: (failed: string[]) => failed.some((name) => claimShows(name, shown)) } : {}),
      noTrace: !trace,
      standin: this.ctx.nixpkgs.identity.kind === 'standin',
      ...(showStages ? { onStage } : {}),
    });
    if (cacheable(answers)) await this.ctx.cache.set(key, answers);
    return { answers, cached: false };
  }

  /** Inputs to override: nixpkgs everywhere, and linked flakes (recursively). */
  private overrides(flake: AssembledFlake, prefix = ''): Array<[string, string]> {
    const out: Array<[string, string]> = this.ctx.nixpkgs.ref ? [[`${prefix}nixpkgs`, this.ctx.nixpkgs.ref]] : [];
    for (const [input, linked] of Object.entries(flake.links)) {
      out.push([`${prefix}${input}`, `path:${this.placed.get(linked)!.dir}`]);
      out.push(...this.overrides(this.placed.get(linked)!.flake, `${prefix}${input}/`));
    }
    return out;
  }

  /** The flake's tree and the trees it links to: everything its evaluation reads. */
  private treeHash(flake: AssembledFlake): string[] {
    const linked = Object.values(flake.links).flatMap((name) => this.treeHash(this.placed.get(name)!.flake));
    return [this.placed.get(flake.name)!.hash, ...linked];
  }

  /** Positions in the wrapper's copy of the checks file point at the project's file. */
  private indexChecks(roots: string[], source: string, text: string) {
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const file: AssembledFile = {
      path: 'checks.nix',
      text,
      origins: lines.map((_, i) => ({ kind: 'glue', path: source, line: i + 1 })),
    };
    for (const root of roots) this.ctx.ws.roots.set(root, { name: `(checks ${source})`, files: [file], links: {} });
  }

  private progress(mark: string, name: string, level: string, ms: number, cached = false) {
    const time = cached ? 'cached' : `${(ms / 1000).toFixed(1)}s`;
    this.ctx.options.log(`  ${mark} ${name.padEnd(28)} ${level.padEnd(8)} ${time}`);
  }
}

/** The pages, their blocks and the glue, assembled into flakes, with what is wrong with them. */
async function readInputs(options: VerifyOptions, cacheWarning: (message: string) => void) {
  const sources = new Map<string, string>();
  const blocks: Block[] = [];
  const diagnostics: Diagnostic[] = [];
  const code = verifierHash();
  let unparsed = false;
  for (const { page, read, extraction } of await extractPages(options, code, cacheWarning)) {
    if ('problem' in read) {
      diagnostics.push({ reason: read.problem, file: page, ...(read.place ? { place: read.place } : {}), ruleId: 'input', fatal: true });
      continue;
    }
    sources.set(page, read.text);
    if (extraction!.unparsed) unparsed = true;
    blocks.push(...extraction!.blocks);
    // Linting anyone's docs (not strict): a page whose Markdown is broken is a finding in the
    // docs, at its line, and every other page is still checked. The guide's own pages must parse.
    diagnostics.push(...(options.strict ? extraction!.diagnostics : extraction!.diagnostics.map((d) => (d.ruleId === 'markdown' ? { ...d, fatal: false } : d))));
  }

  const usesFlakes = blocks.some((b) => b.annotation.role !== 'lint' && b.annotation.role !== 'exempt');
  const glue: GlueFlake[] = [];
  if (usesFlakes && options.flakesDir) {
    const loaded = loadGlue(options.flakesDir, options.root);
    glue.push(...loaded.flakes);
    diagnostics.push(...loaded.diagnostics);
    for (const flake of loaded.flakes) {
      for (const file of [...flake.files, ...(flake.checks ? [flake.checks] : [])]) sources.set(file.source, file.text);
    }
  }
  const assembly = assemble(blocks, glue);
  // A page that could not be parsed fills none of its slots: one cause, said once, at the page.
  diagnostics.push(...assembly.diagnostics.filter((d) => !(unparsed && d.ruleId === 'unfilled-slot')), ...commandBlockProblems(blocks));
  if (!diagnostics.some((d) => d.fatal)) diagnostics.push(...flakeProblems(assembly.flakes, blocks));
  return { code, sources, blocks, diagnostics, assembly };
}

/** Command blocks that cannot be run at all are annotation problems, found before Nix runs. */
function commandBlockProblems(blocks: Block[]): Diagnostic[] {
  return blocks.flatMap((block) => {
    if (block.annotation.role !== 'command') return [];
    const parsed = block.annotation.host ? parseMachineCommandBlock(block.code) : parseCommandBlock(block.code);
    if (parsed.ok) return [];
    return [
      {
        reason: parsed.reason,
        file: block.page,
        place: { line: block.codeLine + parsed.offset, column: block.codeColumn },
        ruleId: 'annotation',
        blockId: block.id,
        fatal: true,
      },
    ];
  });
}

function environmentProblem(reason: string): Diagnostic {
  return { reason, file: '(environment)', ruleId: 'environment', fatal: true };
}

/**
 * One root cause, one diagnostic: an expected failure that "failed with something else" only
 * because its flake is broken anyway is folded into that flake's diagnostic, as a note.
 */
function groupUnderCauses(diagnostics: Diagnostic[]): Map<string, string> {
  const folded = new Map<string, string>();
  // The same words, wherever the places they name are told (a store path, or its page line).
  const same = (text: string) => stripAnsi(text).replace(/\/[^\s'"`’:]+(?::\d+)*/g, '…').replace(/\s+/g, ' ').trim();
  const SOMETHING_ELSE = 'but it failed with something else:\n';
  for (let i = diagnostics.length - 1; i >= 0; i--) {
    const d = diagnostics[i]!;
    const at = d.reason.indexOf(SOMETHING_ELSE);
    if (d.ruleId !== 'expected-failure' || at === -1) continue;
    const said = same(d.reason.slice(at + SOMETHING_ELSE.length));
    const cause = diagnostics.find((c) => c.ruleId !== 'expected-failure' && same(c.reason).startsWith(said));
    if (!cause) continue;
    cause.notes = [...(cause.notes ?? []), `it also breaks the expected failure at ${d.file}:${d.place?.line ?? '?'}`];
    if (d.blockId) folded.set(d.blockId, `Not checked: its flake fails first, at ${cause.file}:${cause.place?.line ?? '?'}.`);
    diagnostics.splice(i, 1);
  }
  return folded;
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.file}:${d.place?.line}:${d.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Every page read, and its blocks extracted, at once; the extraction is cached by the page's
 * text, so a page that did not change is not parsed again.
 */
async function extractPages(options: VerifyOptions, code: string, warn: (message: string) => void) {
  const cache = fileCache(options.cacheDir, '', warn, PAGES_FILE);
  const pages = await Promise.all(
    options.pages.map(async (page) => {
      const read = readPageText(resolve(options.root, page));
      if ('problem' in read) return { page, read };
      const key = cacheKey('page', code, page, options.strict, read.text);
      let extraction = await cache.get(key, isExtraction);
      if (!extraction) {
        extraction = extractBlocks(page, read.text, { strict: options.strict });
        await cache.set(key, extraction);
      }
      return { page, read, extraction };
    }),
  );
  await cache.close();
  return pages;
}

function isExtraction(value: unknown): value is Extraction {
  const v = value as Partial<Extraction> | null;
  return typeof v === 'object' && v !== null && Array.isArray(v.blocks) && Array.isArray(v.diagnostics);
}

/**
 * Hash of the verifier's own code, the page syntax it shares with the site, and the locked
 * dependencies (the Markdown parsers): a change to any invalidates the cache.
 */
/**
 * The verifier's own code, every file of it in every folder (the boot level's ACPI table in
 * vm/ too), but the stand-in, which a run names by its own hash: part of every cache key.
 */
export function verifierHash(dirs: readonly string[] = [VERIFIER_DIR, MARKDOWN_DIR]): string {
  const hash = createHash('sha256');
  for (const dir of dirs) {
    const files = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.(ts|nix|asl|sh)$/.test(e.name))
      .map((e) => join(e.parentPath, e.name))
      .filter((path) => !path.includes('/nixpkgs-standin/'))
      .sort();
    for (const path of files) hash.update(path.slice(dir.length)).update(readFileSync(path));
  }
  try {
    hash.update(readFileSync(join(VERIFIER_DIR, '../../package-lock.json')));
  } catch {
    // Not in a checkout of the project: its code is hashed all the same.
  }
  return hash.digest('hex');
}

export function defaultJobs(): number {
  return cpus().length;
}
