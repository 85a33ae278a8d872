/**
 * Judging Nix's answers: diagnostics at the page and line, and the level each flake reached.
 * Pure.
 */
import { buildErrors, failedPhase } from './build-log.ts';
import { compareVersions } from './kernel-modules.ts';
import { MACHINES } from './vm.ts';
import type { ConsoleReading } from './vm-script.ts';
import { normaliseOutput, outputMatches } from './commands.ts';
import { nixBase32Decode } from './nar.ts';
import { diagnoseNixError, escapeRegExp, mapPosition, parseNixError, stripAnsi, type SourceIndex } from './nix-output.ts';
import { packagesOf, type EvalReport, type FlakeAnswers, type PackageInfo } from './stages.ts';
import { LEVELS, type AssembledFlake, type BootedHost, type Block, type Diagnostic, type Level, type Point, type Status } from './types.ts';

export interface Judgement {
  level: Level | null;
  diagnostics: Diagnostic[];
  checks: { name: string; status: Status }[];
  /** What module packages were built against (kernel labels), at the build level. */
  builtAgainst: string[];
  /** Why the flake could not go further than `level` on this machine (sources unavailable). */
  cap?: string;
  /** Packages evaluated but not built, because the offline stand-in cannot build them. */
  notBuilt?: { name: string; reason: string }[];
  /** Its systems as the boot level ran them. */
  booted?: BootedHost[];
}

type Place = Pick<Diagnostic, 'file' | 'place' | 'blockId'>;

export interface JudgeContext {
  index: SourceIndex;
  blocks: ReadonlyMap<string, Block>;
  /** The checks file as written in the project, for pointing at a failed claim. */
  checks?: { source: string; text: string };
  level: Level;
}

export function judgeFlake(flake: AssembledFlake, answers: FlakeAnswers, ctx: JudgeContext): Judgement {
  const fallback = flakeFallback(flake);
  if (!answers.eval.ok || !answers.report) {
    return { level: 'parse', diagnostics: [positioned(pageFirst(diagnoseNixError(answers.eval.stderr, ctx.index, fallback, 'eval'), flake), flake, fallback)], checks: [], builtAgainst: [] };
  }
  const report = answers.report;
  const diagnostics: Diagnostic[] = report.schema.map((entry) => schemaProblem(entry, flake, fallback));
  const checks = Object.entries(report.checks).flatMap(([name, claim]) => {
    if (claim.type === 'module' || claim.type === 'loaded') return [];
    const holds = 'holds' in claim && claim.holds;
    if (claim.type === 'error') diagnostics.push(claimThrew(name, flake, ctx.checks));
    else if (claim.type !== 'bool') diagnostics.push(notABoolean(name, claim.type, flake, ctx.checks));
    else if (!holds) diagnostics.push(failedCheck(name, flake, ctx.checks));
    return [{ name, status: (holds ? 'verified' : 'failed') as Status }];
  });
  for (const answer of answers.commands) {
    const block = ctx.blocks.get(answer.blockId)!;
    const place = { line: block.codeLine + answer.offset, column: block.codeColumn };
    const actual = normaliseOutput(answer.stdout);
    if (!answer.ok) {
      const error = parseNixError(answer.stderr);
      diagnostics.push({
        reason: `This command failed in flake \`${flake.name}\`:\n${error.message}`,
        file: block.page,
        place,
        ruleId: 'command',
        blockId: block.id,
      });
    } else if (!outputMatches(answer.expected, answer.stdout)) {
      diagnostics.push({
        reason: `The output of this command changed.\nThe page shows:\n${indent(answer.expected)}\nNix printed:\n${indent(actual)}`,
        file: block.page,
        place,
        ruleId: 'command',
        blockId: block.id,
      });
    }
  }

  const judged = (level: Level, extra: Partial<Judgement> = {}): Judgement => ({ level, diagnostics, checks, builtAgainst: [], ...extra });
  if (answers.unavailable?.length) {
    return judged('eval', { cap: `Sources could not be fetched here, so nothing was fetched or built: ${answers.unavailable.map((u) => u.reason).join('; ')}` });
  }
  const mismatch = answers.mirror?.find((m) => !m.added);
  if (mismatch) {
    diagnostics.push(mirrorMismatch(mismatch, flake, fallback));
    return judged('eval');
  }
  if (answers.fetch && !answers.fetch.ok) {
    diagnostics.push(fetchProblem(answers.fetch.stderr, flake, ctx.index, fallback));
    return judged('eval');
  }
  const upTo = (level: Level) => LEVELS.indexOf(ctx.level) <= LEVELS.indexOf(level);
  if (upTo('eval')) return judged('eval');
  const failedBuild = !!answers.build && !answers.build.ok;
  // A package that does not build: there is nothing further to look at.
  if (failedBuild && !answers.modules) {
    diagnostics.push(buildProblem(answers, report, flake, ctx.index, fallback));
    return judged('fetch');
  }
  const unbuilt = answers.notBuilt?.length ? { notBuilt: answers.notBuilt.map(({ name, reason }) => ({ name, reason })) } : {};
  if (upTo('fetch')) return judged('fetch');
  const notBuilt = new Set(answers.notBuilt?.map((n) => n.drvPath));
  const built = (host: EvalReport['nixosConfigurations'][string]) => host.modulePackages.length > 0 && host.modulePackages.every((p) => !notBuilt.has(p.drvPath));
  const problems = moduleProblems(answers, report, flake, ctx, notBuilt);
  diagnostics.push(...problems);
  // The packages built and a system did not: a module in the wrong place has said why; otherwise
  // the system's merge of the module trees failed, which is where boot.extraModulePackages is set.
  if (failedBuild && problems.length === 0) diagnostics.push(buildProblem(answers, report, flake, ctx.index, fallback, true));
  for (const [name, claim] of Object.entries(report.checks)) {
    if (claim.type !== 'module' || !('host' in claim)) continue;
    const host = report.nixosConfigurations[claim.host];
    const failed = problems.some((p) => p.reason.startsWith(checkFailure(name)));
    checks.push({ name, status: failed ? 'failed' : host && !built(host) && host.modulePackages.length ? 'not-run' : 'verified' });
  }
  if (failedBuild) return judged('fetch');
  const builtAgainst = [...new Set(Object.values(answers.kernels ?? {}).flat())].sort(compareVersions).map((v) => `Linux ${v}`);
  if (answers.boots) {
    const booted = bootProblems(answers, report, flake, ctx, checks);
    diagnostics.push(...booted.problems);
    const level = booted.problems.length || Object.keys(answers.boots).length === 0 ? 'build' : 'boot';
    return judged(level, { builtAgainst, booted: booted.hosts, ...unbuilt });
  }
  // Nothing built (the stand-in could build none of it): verified as far as the fetch.
  return judged(answers.notBuilt?.length && !answers.build ? 'fetch' : 'build', { builtAgainst, ...unbuilt });
}

/**
 * What the boot level saw: each module of boot.kernelModules must load (if not, at the block of
 * the package that installs it), each command run in the machine must print what its block
 * shows, and each `{ host; loaded; }` claim must name a module the machine listed as loaded.
 */
function bootProblems(answers: FlakeAnswers, report: EvalReport, flake: AssembledFlake, ctx: JudgeContext, checks: Judgement['checks']): { problems: Diagnostic[]; hosts: BootedHost[] } {
  const problems: Diagnostic[] = [];
  const hosts: BootedHost[] = [];
  for (const [host, boot] of Object.entries(answers.boots!)) {
    const reading = boot.reading;
    const on = `${MACHINES[boot.machine]}, Linux ${reading.booted}`;
    hosts.push({ host, machine: boot.machine, description: MACHINES[boot.machine], kernel: reading.booted ?? '' });
    for (const module of reading.failedModules) {
      // Modules of the system's packages only: NixOS's own (`loop`, `kvm-intel`, …) are not in
      // the machine's small kernel, and say nothing about the guide's packages. A module nothing
      // installs is a failed `loaded` claim, or an expected failure's text.
      const pkg = report.nixosConfigurations[host]?.modulePackages.find((p) => (answers.modules?.[p.out] ?? []).some((m) => moduleName(m.path) === moduleName(module)));
      if (!pkg) continue;
      const where = packageAt(pkg, ctx.index) ?? flakeFallback(flake);
      problems.push({ reason: `\`${module}\`, in boot.kernelModules of \`${host}\`, did not load on ${on}:\n${indent(moduleLog(reading, module))}`, ...where, ruleId: 'boot' });
    }
    boot.commands.forEach((command, i) => {
      const block = ctx.blocks.get(command.blockId)!;
      const actual = normaliseOutput(reading.commands[i]?.output ?? '');
      if (outputMatches(command.expected, actual)) return;
      problems.push({
        reason: `The output of this command changed, on ${on}.\nThe page shows:\n${indent(command.expected)}\nThe machine printed:\n${indent(actual)}`,
        file: block.page,
        place: { line: block.codeLine + command.offset, column: block.codeColumn },
        ruleId: 'boot',
        blockId: block.id,
      });
    });
  }
  for (const [name, claim] of Object.entries(report.checks)) {
    if (claim.type !== 'loaded' || !('loaded' in claim)) continue;
    const reading = answers.boots![claim.host]?.reading;
    const holds = !!reading?.loaded.some((m) => moduleName(m) === moduleName(claim.loaded));
    checks.push({ name, status: holds ? 'verified' : reading ? 'failed' : 'not-run' });
    if (!holds && reading) problems.push({ ...failedCheck(name, flake, ctx.checks), ruleId: 'boot' });
  }
  return { problems, hosts };
}

/** `qc71-laptop`, `extra/qc71_laptop.ko` → `qc71_laptop`, as the kernel names modules. */
function moduleName(text: string): string {
  return text.replace(/^.*\//, '').replace(/\.ko(\.\w+)?$/, '').replaceAll('-', '_');
}

/** What loading a module printed, and the kernel's lines about it. */
function moduleLog(reading: ConsoleReading, module: string): string {
  const name = moduleName(module);
  const about = (text: string) => text.split('\n').filter((l) => l.includes(name) || l.includes(module));
  return [...about(reading.modulesLoad), ...about(reading.dmesg)].join('\n');
}

/**
 * An expected failure holds when some copy of the flake fails with the given text: an error
 * from Nix, or a declared check that no longer holds (`Check failed: "claim" does not hold.`).
 */
export function judgeExpectedFailure(
  block: Block,
  answers: readonly FlakeAnswers[],
  /** How far the copies were asked to go: below `boot`, a failure that shows at boot is not seen. */
  level: Level = 'boot',
): { problem?: Diagnostic; level?: Level; text?: string; cap?: string; notBuilt?: string } {
  if (block.annotation.role !== 'expected-failure') return {};
  const expected = squash(block.annotation.fails);
  const failures = answers.flatMap(failureTexts);
  const matched = failures.find((f) => squash(f.text).includes(expected));
  if (matched) return { level: matched.level, text: matched.text };
  // It passed as far as it could go here: whether its build fails is not known.
  const unavailable = answers.flatMap((a) => a.unavailable ?? []);
  // A claim the block names can only fail at eval: that it holds is known without a build.
  const namesClaim = answers.some((a) => Object.keys(a.report?.checks ?? {}).some((name) => squash(checkFailure(name)).includes(expected)));
  // Claims the copy breaks are what it lacks, not yet the failure it shows, when it could go no further.
  const onlyClaims = failures.every((f) => f.level === 'eval' && f.text.startsWith('Check failed:'));
  if (onlyClaims && unavailable.length && !namesClaim) {
    return { cap: `The expected failure at ${block.page}:${block.start.line} evaluates, and its sources could not be fetched here to build it: ${unavailable[0]!.reason}` };
  }
  // A build the offline stand-in cannot do (another kernel) shows nothing: not checked here.
  // Only when no copy built anything: a copy that built some of its packages without the
  // expected error has shown it no longer fails, whatever the rest would do.
  const notBuilt = answers.flatMap((a) => a.notBuilt ?? []);
  const builtSome = answers.some((a) => a.build);
  if (onlyClaims && notBuilt.length && !builtSome && !namesClaim) {
    return { notBuilt: `Not checked here: it evaluates, and the offline stand-in cannot build ${notBuilt[0]!.name} (${notBuilt[0]!.reason})` };
  }
  // Built without the failure, and not booted: it may show at boot. Only declared claims that do
  // not hold failed (they say what the copy lacks, not what a boot would print).
  if (level !== 'boot' && answers.some((a) => a.build?.ok) && failures.length > 0 && failures.every((f) => f.level === 'eval' && f.text.startsWith('Check failed:'))) {
    return { notBuilt: `Not checked at the ${level} level: it evaluates and builds, and its failure would show when its system boots (--level boot).` };
  }
  const base = { file: block.page, place: block.start, ruleId: 'expected-failure', blockId: block.id };
  if (failures.length === 0) {
    return {
      problem: {
        ...base,
        reason: `This block is shown as failing with \`${block.annotation.fails}\`, but Nix evaluated${answers.some((a) => a.build?.ok) ? ' and built' : ''} it without error and every declared check held. If the mistake it shows no longer fails, update the page.`,
      },
    };
  }
  return {
    problem: {
      ...base,
      reason: `This block is shown as failing with \`${block.annotation.fails}\`, but it failed with something else:\n${failures[0]!.text}`,
    },
  };
}

/** How a copy failed, with the level at which it did (`eval` for Nix errors and claims). */
function failureTexts(answers: FlakeAnswers): { text: string; level: Level }[] {
  if (!answers.eval.ok || !answers.report) {
    return [parseNixError(answers.eval.stderr).message, answers.eval.stderr].map((text) => ({ text, level: 'eval' as const }));
  }
  const texts = Object.entries(answers.report.checks)
    .filter(([, claim]) => 'holds' in claim && !claim.holds)
    .map(([name]) => ({ text: checkFailure(name), level: 'eval' as Level }));
  const mismatch = answers.mirror?.find((m) => !m.added);
  if (mismatch) texts.push({ text: `hash mismatch: specified: ${mismatch.declared} got: ${mismatch.got}`, level: 'fetch' });
  // A source that could not be had here is no failure of the block's: see `unavailable`.
  else if (answers.fetch && !answers.fetch.ok && !answers.unavailable?.length) {
    texts.push({ text: parseNixError(answers.fetch.stderr).message, level: 'fetch' });
  }
  for (const boot of Object.values(answers.boots ?? {})) {
    for (const module of boot.reading.failedModules) texts.push({ text: moduleLog(boot.reading, module), level: 'boot' });
  }
  if (answers.build && !answers.build.ok) {
    const log = answers.buildLog ? buildErrors(answers.buildLog.log) : undefined;
    const text = log?.errors.length ? log.errors.join('\n') : log?.tail.length ? log.tail.join('\n') : parseNixError(answers.build.stderr).message;
    texts.push({ text, level: 'build' });
  }
  return texts;
}

/** Whether a claim that does not hold is the failure a block is shown failing with. Pure. */
export function claimShows(name: string, fails: string): boolean {
  return squash(checkFailure(name)).includes(squash(fails));
}

/** How a claim that does not hold is worded, in diagnostics and for `fails` to match. */
function checkFailure(name: string): string {
  return `Check failed: "${name}" does not hold.`;
}

/**
 * An evaluation error in the checks file whose trace passes through a page (a claim reading
 * `nixosConfigurations.hero` of a flake whose page renamed the host) is the page's: the claims
 * are the guide's own, and right until a page changes what they read.
 */
function pageFirst(diagnostic: Diagnostic, flake: AssembledFlake): Diagnostic {
  if (!flake.checks || diagnostic.file !== flake.checks || diagnostic.blockId) return diagnostic;
  const page = diagnostic.notes?.map((n) => /^also at (.+\.mdx?):(\d+):(\d+)$/.exec(n)).find(Boolean);
  if (!page) return diagnostic;
  const here = `also at ${diagnostic.file}${diagnostic.place ? `:${diagnostic.place.line}:${diagnostic.place.column}` : ''}`;
  return {
    ...diagnostic,
    file: page[1]!,
    place: { line: Number(page[2]), column: Number(page[3]) },
    notes: [here, ...(diagnostic.notes ?? []).filter((n) => n !== page[0])],
  };
}

/**
 * An error Nix gave no position for (infinite recursion, on Nix 2.8) is not the first line
 * of flake.nix: say so, and list the blocks it can come from.
 */
function positioned(diagnostic: Diagnostic, flake: AssembledFlake, fallback: ReturnType<typeof flakeFallback>): Diagnostic {
  const atFallback = diagnostic.file === fallback.file && diagnostic.place?.line === fallback.place?.line;
  if (!atFallback || diagnostic.notes?.some((n) => n.startsWith('also at'))) return diagnostic;
  // Block ids are `page:line`, the line of the block's fence.
  const blocks = [...new Set(flake.files.flatMap((f) => f.origins.flatMap((o) => (o.kind === 'block' ? [o.blockId] : []))))].sort((a, b) =>
    a.localeCompare(b, 'en', { numeric: true }),
  );
  // No place: a code frame of the flake's first line would point at nothing.
  const { place: _none, ...unplaced } = diagnostic;
  return {
    ...unplaced,
    reason: `${diagnostic.reason}\nNix gave no position for this error: it comes from flake \`${flake.name}\`, whose blocks are listed below.`,
    notes: [...(diagnostic.notes ?? []), ...blocks.map((b) => `block at ${b}`)],
  };
}

function flakeFallback(flake: AssembledFlake): { file: string; place?: Point; blockId?: string } {
  const file = flake.files.find((f) => f.path === 'flake.nix') ?? flake.files[0];
  const origin = file?.origins[0];
  if (!origin) return { file: `flake ${flake.name}` };
  if (origin.kind === 'glue') return { file: origin.path, place: { line: origin.line, column: 1 } };
  return { file: origin.page, place: { line: origin.line, column: 1 }, blockId: origin.blockId };
}

function failedCheck(name: string, flake: AssembledFlake, checks: JudgeContext['checks']): Diagnostic {
  const claim = claimPlace(name, flake, checks);
  const cause = claimCause(name, flake, checks);
  const base = { reason: `${checkFailure(name)} (flake \`${flake.name}\`)`, ruleId: 'check' };
  if (!cause) return { ...base, ...claim };
  return { ...base, ...cause, notes: [`the claim is at ${claim.file}${claim.place ? `:${claim.place.line}` : ''}`] };
}

/**
 * The block that broke a claim: the claim names options (`config.boot.kernelModules`) or outputs
 * of the flake (`flake.checks.${system}`), itself or through the names its checks file binds,
 * and the line of the flake that sets one of them, from a page first, is what changed.
 */
function claimCause(name: string, flake: AssembledFlake, checks: JudgeContext['checks']): Place | undefined {
  if (!checks) return undefined;
  const lines = checks.text.split('\n');
  const start = lines.findIndex((l) => l.includes(JSON.stringify(name)));
  if (start === -1) return undefined;
  const end = lines.findIndex((l, i) => i > start && (/^\s*"/.test(l) || /^}/.test(l)));
  const own = lines.slice(start, end === -1 ? undefined : end).join('\n');
  // The names the claim uses that the checks file binds (`checked = …;`), one level deep.
  const bound = [...new Set(own.match(/\b[a-z][\w'-]*\b/gi) ?? [])].flatMap((word) => {
    const at = lines.findIndex((l, i) => i < start && new RegExp(`^\\s*${escapeRegExp(word)}\\s*=`).test(l));
    if (at === -1) return [];
    const indent = /^\s*/.exec(lines[at]!)![0].length;
    const next = lines.findIndex((l, i) => i > at && l.trim() !== '' && /^\s*/.exec(l)![0].length <= indent);
    return [lines.slice(at, next === -1 ? undefined : next).join('\n')];
  });
  const text = [own, ...bound].join('\n');
  const options = [
    ...[...text.matchAll(/\bconfig\.([A-Za-z_][\w'-]*(?:\.[A-Za-z_][\w'-]*)*)/g)].map((m) => m[1]!),
    // An output of the flake: the line of flake.nix that defines it.
    ...[...text.matchAll(/\bflake\.([A-Za-z_][\w'-]*)/g)].map((m) => m[1]!).filter((output) => !['inputs', 'outPath', 'nixosConfigurations'].includes(output)),
  ];
  for (const option of options) {
    const parts = option.split('.');
    const binding = new RegExp(`(^|[\\s{;])(${parts.map(escapeRegExp).join('\\s*\\.\\s*')})\\s*=(?!=)`);
    const found: Place[] = [];
    for (const file of flake.files) {
      file.text.split('\n').forEach((line, i) => {
        const m = binding.exec(line);
        const origin = file.origins[i];
        if (!m || !origin) return;
        const column = m.index + m[1]!.length + 1;
        found.push(
          origin.kind === 'glue'
            ? { file: origin.path, place: { line: origin.line, column } }
            : { file: origin.page, place: { line: origin.line, column: column + origin.columnOffset }, blockId: origin.blockId },
        );
      });
    }
    const fromPage = found.find((p) => p.blockId) ?? found[0];
    if (fromPage) return fromPage;
  }
  return undefined;
}


function claimThrew(name: string, flake: AssembledFlake, checks: JudgeContext['checks']): Diagnostic {
  return {
    reason: `The claim "${name}" could not be evaluated (flake \`${flake.name}\`): it threw an error or failed an assertion.`,
    ...claimPlace(name, flake, checks),
    ruleId: 'check',
  };
}

function notABoolean(name: string, type: string, flake: AssembledFlake, checks: JudgeContext['checks']): Diagnostic {
  return {
    reason: `The claim "${name}" is ${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}, not a boolean (flake \`${flake.name}\`). A claim holds only when it is exactly \`true\`; write a comparison that gives \`true\` or \`false\`.`,
    ...claimPlace(name, flake, checks),
    ruleId: 'check',
  };
}

function claimPlace(name: string, flake: AssembledFlake, checks: JudgeContext['checks']): Pick<Diagnostic, 'file' | 'place'> {
  const line = checks ? checks.text.split('\n').findIndex((l) => l.includes(JSON.stringify(name))) + 1 : 0;
  return { file: checks?.source ?? `flake ${flake.name}`, ...(line > 0 ? { place: { line, column: 1 } } : {}) };
}

/** A mirrored tree whose hash is not the declared one, worded as Nix words a fetch's mismatch. */
function mirrorMismatch(m: NonNullable<FlakeAnswers['mirror']>[number], flake: AssembledFlake, fallback: ReturnType<typeof flakeFallback>): Diagnostic {
  const place = findInFlake(flake, m.declared) ?? (fallback.place ? { file: fallback.file, place: fallback.place } : { file: fallback.file });
  return {
    reason: `hash mismatch in fixed-output derivation '${m.drvPath}':\n  specified: ${m.declared}\n       got: ${m.got}\n(\`got\` is the hash of the tree in the source mirror's ${m.file}.) A hash left over from an older revision is the usual cause: update \`hash\` with the one Nix got.`,
    ...place,
    ruleId: 'fetch',
  };
}

/**
 * A package that does not build: the compiler's first errors, at the package's block (the
 * line of its `pname`, from meta.position).
 */
function buildProblem(answers: FlakeAnswers, report: EvalReport, flake: AssembledFlake, index: SourceIndex, fallback: ReturnType<typeof flakeFallback>, system = false): Diagnostic {
  const drvPath = answers.buildLog?.drvPath;
  const pkg = packagesOf(report).find((p) => p.drvPath === drvPath);
  const log = answers.buildLog ? buildErrors(answers.buildLog.log) : undefined;
  const phase = answers.buildLog ? failedPhase(answers.buildLog.log) : undefined;
  const where = pkg ? (phaseAt(pkg, phase, index) ?? packageAt(pkg, index)) : undefined;
  const name = pkg?.name ?? /-([^/]+)\.drv$/.exec(drvPath ?? '')?.[1]?.replace(/^[0-9a-z]{32}-/, '');
  if (!log) return { ...diagnoseNixError(answers.build!.stderr, index, fallback, 'build'), ...(where ?? {}) };
  const quoted = log.errors.length ? log.errors : log.tail;
  const subject = system ? `The system's module tree, \`${name}\`,` : name ? `\`${name}\`` : 'A package';
  return {
    reason: `${subject} does not build${log.errors.length ? ', the compiler says' : '; the log ends with'}:\n${indent(quoted.join('\n'))}\nThe whole log: \`nix log ${drvPath}\``,
    ...(where ?? (system ? findInFlake(flake, 'boot.extraModulePackages') : undefined) ?? packagePlace(answers.build!.stderr, flake, fallback)),
    ruleId: 'build',
  };
}

/**
 * Module packages must install their modules for the system's kernel: under
 * `lib/modules/<modDirVersion>/`, each with a vermagic that names that kernel. Module claims
 * (`{ host; kernelModule; }`) name one module that must be there.
 */
function moduleProblems(answers: FlakeAnswers, report: EvalReport, flake: AssembledFlake, ctx: JudgeContext, notBuilt: ReadonlySet<string>): Diagnostic[] {
  const problems: Diagnostic[] = [];
  for (const [hostName, host] of Object.entries(report.nixosConfigurations)) {
    const version = host.kernel.modDirVersion;
    for (const pkg of host.modulePackages) {
      if (notBuilt.has(pkg.drvPath)) continue;
      const installed = answers.modules?.[pkg.out] ?? [];
      const where = packageAt(pkg, ctx.index) ?? { file: flakeFallback(flake).file };
      const mine = installed.filter((m) => m.path.startsWith(`lib/modules/${version}/`));
      if (mine.length === 0) {
        const others = installed.map((m) => m.path).join(', ');
        problems.push({
          reason: `\`${pkg.name}\` is in boot.extraModulePackages of \`${hostName}\`, but installs no kernel module under lib/modules/${version}/, the module directory of its kernel (${host.kernel.label})${others ? `; it installed ${others}` : ''}.`,
          ...where,
          ruleId: 'build',
        });
      }
      for (const module of mine) {
        if (module.vermagic?.split(' ')[0] === version) continue;
        problems.push({
          reason: `${module.path} of \`${pkg.name}\` was built for ${module.vermagic ? `\`${module.vermagic}\`` : 'no kernel (it has no vermagic)'}, not for ${version}, the kernel of \`${hostName}\`.`,
          ...where,
          ruleId: 'build',
        });
      }
    }
  }
  for (const [name, claim] of Object.entries(report.checks)) {
    if (claim.type !== 'module' || !('kernelModule' in claim)) continue;
    const host = report.nixosConfigurations[claim.host];
    // Not built by the stand-in: nothing to look at, so the claim is not run (see `notBuilt`).
    if (host?.modulePackages.some((p) => notBuilt.has(p.drvPath))) continue;
    const version = host?.kernel.modDirVersion;
    const path = `lib/modules/${version}/extra/${claim.kernelModule}.ko`;
    const found = host?.modulePackages.flatMap((p) => answers.modules?.[p.out] ?? []).find((m) => m.path === path);
    if (found && found.vermagic?.split(' ')[0] === version) continue;
    problems.push({ ...failedCheck(name, flake, ctx.checks), notes: [host ? `no ${path} built for ${version} in boot.extraModulePackages of \`${claim.host}\`` : `no host \`${claim.host}\``] });
  }
  return problems;
}

/** An output that is not what `nix flake check` expects: at the line of flake.nix that names it. */
function schemaProblem(entry: EvalReport['schema'][number], flake: AssembledFlake, fallback: ReturnType<typeof flakeFallback>): Diagnostic {
  const top = entry.output.split('.')[0]!;
  const outputs = { ...flake, files: flake.files.filter((f) => f.path === 'flake.nix') };
  const place = findInFlake(outputs, `${top} =`) ?? findInFlake(outputs, top) ?? (fallback.place ? { file: fallback.file, place: fallback.place } : { file: fallback.file });
  return {
    reason: `The flake output \`${entry.output}\` is not ${entry.expected}, so \`nix flake check\` rejects it (flake \`${flake.name}\`).`,
    ...place,
    ruleId: 'eval',
  };
}

/**
 * Where in a package's file the phase that failed is decided: patching at `postPatch` (or
 * `patches`), compiling at what made the sources (`postPatch`, else `src`), installing at
 * `installPhase`.
 * Found in the file that holds its `pname` (Nix's `meta.position`); undefined elsewhere.
 */
function phaseAt(pkg: PackageInfo, phase: string | undefined, index: SourceIndex): Place | undefined {
  const attributes: Record<string, string[]> = {
    unpackPhase: ['src'],
    patchPhase: ['postPatch', 'prePatch', 'patches'],
    buildPhase: ['postPatch', 'src'],
    installPhase: ['installPhase', 'postInstall'],
  };
  const names = phase ? attributes[phase] : undefined;
  const m = /^(?<path>\/.+):(?<line>\d+)$/.exec(pkg.position ?? '')?.groups;
  if (!names || !m) return undefined;
  const file = [...index.roots].map(([root, flake]) => (m.path!.startsWith(`${root}/`) ? flake.files.find((f) => `${root}/${f.path}` === m.path) : undefined)).find(Boolean);
  if (!file) return undefined;
  const lines = file.text.split('\n');
  for (const name of names) {
    const at = lines.findIndex((l) => new RegExp(`^\\s*${name}\\s*=`).test(l));
    if (at === -1) continue;
    const mapped = mapPosition({ path: m.path!, line: at + 1, column: lines[at]!.search(/\S/) + 1 }, index);
    if (mapped) return { file: mapped.file, place: mapped.place, ...(mapped.blockId ? { blockId: mapped.blockId } : {}) };
  }
  return undefined;
}

/** The page line of a package's `pname`, from Nix's `meta.position`. */
function packageAt(pkg: PackageInfo, index: SourceIndex): Pick<Diagnostic, 'file' | 'place' | 'blockId'> | undefined {
  const m = /^(?<path>\/.+):(?<line>\d+)$/.exec(pkg.position ?? '')?.groups;
  if (!m) return undefined;
  const mapped = mapPosition({ path: m.path!, line: Number(m.line), column: 1 }, index);
  return mapped ? { file: mapped.file, place: mapped.place, ...(mapped.blockId ? { blockId: mapped.blockId } : {}) } : undefined;
}

/**
 * A fixed-output source whose hash is wrong: point at the line that states the hash.
 * Nix 2.8 prints `wanted: sha256:<base32>`, newer Nix `specified: sha256-<base64>`.
 */
function fetchProblem(stderr: string, flake: AssembledFlake, index: SourceIndex, fallback: ReturnType<typeof flakeFallback>): Diagnostic {
  const diagnostic = diagnoseNixError(stderr, index, fallback, 'fetch');
  const stated = /(?:specified|wanted):\s*(\S+)/.exec(stderr)?.[1];
  const got = /got:\s*(\S+)/.exec(stderr)?.[1];
  if (!stated) return diagnostic;
  const place = [stated, toSri(stated)].flatMap((s) => (s ? [findInFlake(flake, s)] : [])).find(Boolean);
  const reason = `The source's hash does not match what was fetched.\nThe page says: ${toSri(stated) ?? stated}\nNix got:       ${(got && toSri(got)) ?? got ?? '?'}\nA hash left over from an older revision is the usual cause: update \`hash\` with the one Nix got.`;
  return { ...diagnostic, reason, ...(place ?? {}) };
}

/** A failed build has no Nix position; point at the file that defines the package. */
function packagePlace(stderr: string, flake: AssembledFlake, fallback: ReturnType<typeof flakeFallback>): Place {
  const drv = /\/nix\/store\/[0-9a-z]{32}-([^'\s]+)\.drv/.exec(stderr)?.[1];
  const pname = drv?.replace(/-\d[^-]*$/, '');
  return (pname && findInFlake(flake, `"${pname}"`)) || { file: fallback.file, ...(fallback.place ? { place: fallback.place } : {}) };
}

function findInFlake(flake: AssembledFlake, needle: string): Place | undefined {
  for (const file of flake.files) {
    const lines = file.text.split('\n');
    const i = lines.findIndex((l) => l.includes(needle));
    if (i === -1) continue;
    const origin = file.origins[i]!;
    const column = lines[i]!.indexOf(needle) + 1;
    if (origin.kind === 'glue') return { file: origin.path, place: { line: origin.line, column } };
    return { file: origin.page, place: { line: origin.line, column: column + origin.columnOffset }, blockId: origin.blockId };
  }
  return undefined;
}

function toSri(hash: string): string | undefined {
  if (hash.startsWith('sha256-')) return hash;
  const base32 = /^sha256:([0-9a-z]{52})$/.exec(hash)?.[1];
  return base32 ? `sha256-${Buffer.from(nixBase32Decode(base32)).toString('base64')}` : undefined;
}

function squash(text: string): string {
  return stripAnsi(text).replace(/\s+/g, ' ').trim();
}

function indent(text: string): string {
  return (text || '(nothing)')
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
