/**
 * Judging Nix's answers: diagnostics at the page and line, and the level each flake reached.
 * Pure.
 */
import { normaliseOutput } from './commands.ts';
import { nixBase32Decode } from './nar.ts';
import { diagnoseNixError, parseNixError, stripAnsi, type SourceIndex } from './nix-output.ts';
import type { FlakeAnswers } from './stages.ts';
import type { AssembledFlake, Block, Diagnostic, Level, Point, Status } from './types.ts';

export interface Judgement {
  level: Level | null;
  diagnostics: Diagnostic[];
  checks: { name: string; status: Status }[];
}

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
    return { level: 'parse', diagnostics: [diagnoseNixError(answers.eval.stderr, ctx.index, fallback, 'eval')], checks: [] };
  }
  const diagnostics: Diagnostic[] = [];
  const checks = Object.entries(answers.report.checks).map(([name, holds]) => {
    if (!holds) diagnostics.push(failedCheck(name, flake, ctx.checks));
    return { name, status: (holds ? 'verified' : 'failed') as Status };
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
    } else if (actual !== answer.expected) {
      diagnostics.push({
        reason: `The output of this command changed.\nThe page shows:\n${indent(answer.expected)}\nNix printed:\n${indent(actual)}`,
        file: block.page,
        place,
        ruleId: 'command',
        blockId: block.id,
      });
    }
  }

  let level: Level = 'eval';
  if (answers.fetch) {
    if (!answers.fetch.ok) {
      diagnostics.push(fetchProblem(answers.fetch.stderr, flake, ctx.index, fallback));
      return { level, diagnostics, checks };
    }
  }
  if (ctx.level === 'fetch' || ctx.level === 'build') level = 'fetch';
  if (answers.build) {
    if (!answers.build.ok) {
      diagnostics.push({ ...diagnoseNixError(answers.build.stderr, ctx.index, fallback, 'build'), ...packagePlace(answers.build.stderr, flake, fallback) });
      return { level, diagnostics, checks };
    }
  }
  if (ctx.level === 'build') level = 'build';
  return { level, diagnostics, checks };
}

/**
 * An expected failure holds when some copy of the flake fails with the given text: an error
 * from Nix, or a declared check that no longer holds (`Check failed: "claim" does not hold.`).
 */
export function judgeExpectedFailure(block: Block, answers: readonly FlakeAnswers[]): Diagnostic | undefined {
  if (block.annotation.role !== 'expected-failure') return undefined;
  const expected = squash(block.annotation.fails);
  const failures = answers.flatMap(failureTexts);
  if (failures.some((text) => squash(text).includes(expected))) return undefined;
  const base = { file: block.page, place: block.start, ruleId: 'expected-failure', blockId: block.id };
  if (failures.length === 0) {
    return {
      ...base,
      reason: `This block is shown as failing with \`${block.annotation.fails}\`, but Nix evaluated it without error and every declared check held. If the mistake it shows no longer fails, update the page.`,
    };
  }
  return {
    ...base,
    reason: `This block is shown as failing with \`${block.annotation.fails}\`, but it failed with something else:\n${failures[0]}`,
  };
}

function failureTexts(answers: FlakeAnswers): string[] {
  if (!answers.eval.ok || !answers.report) return [parseNixError(answers.eval.stderr).message, answers.eval.stderr];
  return Object.entries(answers.report.checks)
    .filter(([, holds]) => !holds)
    .map(([name]) => checkFailure(name));
}

/** How a claim that does not hold is worded, in diagnostics and for `fails` to match. */
function checkFailure(name: string): string {
  return `Check failed: "${name}" does not hold.`;
}

function flakeFallback(flake: AssembledFlake): { file: string; place?: Point; blockId?: string } {
  const file = flake.files.find((f) => f.path === 'flake.nix') ?? flake.files[0];
  const origin = file?.origins[0];
  if (!origin) return { file: `flake ${flake.name}` };
  if (origin.kind === 'glue') return { file: origin.path, place: { line: origin.line, column: 1 } };
  return { file: origin.page, place: { line: origin.line, column: 1 }, blockId: origin.blockId };
}

function failedCheck(name: string, flake: AssembledFlake, checks: JudgeContext['checks']): Diagnostic {
  const line = checks ? checks.text.split('\n').findIndex((l) => l.includes(JSON.stringify(name))) + 1 : 0;
  return {
    reason: `${checkFailure(name)} (flake \`${flake.name}\`)`,
    file: checks?.source ?? `flake ${flake.name}`,
    ...(line > 0 ? { place: { line, column: 1 } } : {}),
    ruleId: 'check',
  };
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
function packagePlace(stderr: string, flake: AssembledFlake, fallback: ReturnType<typeof flakeFallback>): Partial<Diagnostic> {
  const drv = /\/nix\/store\/[0-9a-z]{32}-([^'\s]+)\.drv/.exec(stderr)?.[1];
  const pname = drv?.replace(/-\d[^-]*$/, '');
  return (pname && findInFlake(flake, `"${pname}"`)) || { file: fallback.file, ...(fallback.place ? { place: fallback.place } : {}) };
}

function findInFlake(flake: AssembledFlake, needle: string): Partial<Diagnostic> | undefined {
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
