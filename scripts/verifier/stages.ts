/**
 * What Nix is asked for each flake, and the raw answers. Turning answers into diagnostics is
 * left to `judge.ts`, so cached answers are judged exactly like fresh ones.
 */
import type { NixRunner, NixResult } from './nix.ts';
import { evalFlake, realise, runReaderCommand } from './nix.ts';
import { normaliseOutput, parseCommandBlock } from './commands.ts';
import type { Block, Level } from './types.ts';

/** What report.nix returns. */
export interface EvalReport {
  packages: Record<string, PackageInfo>;
  nixosConfigurations: Record<string, { toplevel: string; modulePackages: PackageInfo[] }>;
  checks: Record<string, boolean>;
}

export interface PackageInfo {
  name: string;
  drvPath: string;
  sources: string[];
}

export interface CommandAnswer {
  blockId: string;
  offset: number;
  expected: string;
  stdout: string;
  stderr: string;
  ok: boolean;
}

/** Raw answers for one flake; stored in the cache as is. */
export interface FlakeAnswers {
  eval: NixResult;
  report?: EvalReport;
  commands: CommandAnswer[];
  fetch?: NixResult;
  build?: NixResult;
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
  /** Told as each stage ends: `eval`, `commands`, `fetch`, `build`. */
  onStage?: (stage: string, ok: boolean, ms: number) => void;
}

export async function answerFlake(nix: NixRunner, job: FlakeJob): Promise<FlakeAnswers> {
  let started = performance.now();
  const stage = (name: string, ok: boolean) => {
    job.onStage?.(name, ok, performance.now() - started);
    started = performance.now();
  };
  const targetOverrides = job.overrides.map(([input, ref]): [string, string] => [`target/${input}`, ref]);
  const evaluated = await evalFlake(nix, `path:${job.wrapper}#report`, targetOverrides);
  const answers: FlakeAnswers = { eval: evaluated, commands: [] };
  stage('eval', evaluated.ok);
  if (!evaluated.ok) return answers;
  answers.report = JSON.parse(evaluated.stdout) as EvalReport;

  for (const block of job.commandBlocks) {
    const parsed = parseCommandBlock(block.code);
    if (!parsed.ok) continue;
    for (const command of parsed.commands) {
      const result = await runReaderCommand(nix, command.argv, job.dir, job.overrides);
      const actual = result.stdout;
      answers.commands.push({
        blockId: block.id,
        offset: command.offset,
        expected: command.expected,
        stdout: actual,
        stderr: result.stderr,
        ok: result.ok,
      });
    }
  }
  if (job.commandBlocks.length) stage('commands', answers.commands.every((c) => c.ok && normaliseOutput(c.stdout) === c.expected));

  const packages = packagesOf(answers.report);
  if (job.level === 'fetch' || job.level === 'build') {
    const sources = [...new Set(packages.flatMap((p) => p.sources))];
    if (sources.length) {
      answers.fetch = await realise(nix, sources);
      stage('fetch', answers.fetch.ok);
      if (!answers.fetch.ok) return answers;
    }
  }
  if (job.level === 'build' && packages.length) {
    answers.build = await realise(nix, [...new Set(packages.map((p) => p.drvPath))]);
    stage('build', answers.build.ok);
  }
  return answers;
}

/** The packages a flake offers: its `packages` and every system's module packages. */
function packagesOf(report: EvalReport): PackageInfo[] {
  return [
    ...Object.values(report.packages),
    ...Object.values(report.nixosConfigurations).flatMap((host) => host.modulePackages),
  ];
}
