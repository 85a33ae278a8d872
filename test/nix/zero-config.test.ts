/**
 * Zero-config mode on docs the project did not write: pages in the styles of nix.dev (MyST
 * directives, REPL sessions), the NixOS manual (`{=include=}` fences, placeholders),
 * Starlight (Expressive Code meta) and MyST (`{code}` with options, `=> value` results).
 * Every page passes as written; a real mistake inside each partial shape is still reported,
 * at the page line and column where it is. Real Nix, the real command line.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../scripts/verifier/types.ts';
import { NIX_ENV } from './run-verifier.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURE = join(ROOT, 'test/fixtures/zero-config-docs/pages');
const PAGES = ['nix-dev.md', 'nixos-manual.md', 'starlight.mdx', 'myst.md'];

interface Run {
  exitCode: number;
  stderr: string;
  report: Report | undefined;
  /** Line and column (1-based) where `needle` starts in the edited page, plus `shift` columns. */
  at(page: string, needle: string, shift?: number): Promise<{ line: number; column: number }>;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zero-config-docs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The command line without --strict (or with it), on a copy of one page with one edit. */
async function verifyPage(page: string, edit?: { from: string; to: string }, args: string[] = []): Promise<Run> {
  const work = await mkdtemp(join(dir, 'run-'));
  await cp(FIXTURE, work, { recursive: true });
  const path = join(work, page);
  if (edit) {
    const text = await readFile(path, 'utf8');
    if (!text.includes(edit.from)) throw new Error(`${page} has no ${JSON.stringify(edit.from)}`);
    await writeFile(path, text.replace(edit.from, edit.to));
  }
  const reportPath = join(work, 'report.json');
  const argv = [join(ROOT, 'scripts/verify.ts'), '--offline', '--no-cache', '--quiet', '--report', reportPath, ...args, path];
  const { exitCode, stderr } = await new Promise<{ exitCode: number; stderr: string }>((done) =>
    execFile(process.execPath, argv, { cwd: ROOT, env: NIX_ENV, maxBuffer: 16 << 20 }, (error, _out, err) =>
      done({ exitCode: error ? (typeof error.code === 'number' ? error.code : 99) : 0, stderr: err }),
    ),
  );
  const report = await readFile(reportPath, 'utf8').then((t) => JSON.parse(t) as Report, () => undefined);
  return {
    exitCode,
    stderr,
    report,
    async at(_page, needle, shift = 0) {
      const text = await readFile(path, 'utf8');
      const index = text.indexOf(needle);
      if (index === -1) throw new Error(`${page} has no ${JSON.stringify(needle)}`);
      const before = text.slice(0, index).split('\n');
      return { line: before.length, column: before.at(-1)!.length + 1 + shift };
    },
  };
}

describe('zero-config on docs written in other styles', () => {
  it.each(PAGES)('%s passes as written, never exit 2 on meta the verifier does not own', async (page) => {
    const run = await verifyPage(page);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.report!.diagnostics).toEqual([]);
    expect(run.report!.blocks.length).toBeGreaterThan(0);
    expect(run.report!.blocks.every((b) => b.role === 'lint' && b.status === 'verified' && b.lang === 'nix')).toBe(true);
  });

  it('reads MyST code-block, code and sourcecode directives as nix blocks, and no other language', async () => {
    const nixDev = await verifyPage('nix-dev.md');
    expect(nixDev.report!.blocks.map((b) => b.line)).toEqual([12, 26, 32, 41]);
    expect(nixDev.report!.blocks[0]!.code.startsWith('{ pkgs ? import <nixpkgs> { } }:')).toBe(true);
    const myst = await verifyPage('myst.md');
    expect(myst.report!.blocks.map((b) => b.line)).toEqual([11, 20, 35]);
  });

  it('keeps its errors for the same meta with --strict', async () => {
    const manual = await verifyPage('nixos-manual.md', undefined, ['--strict']);
    expect(manual.exitCode).toBe(2);
    expect(manual.stderr).toContain('Unknown annotation key `sections`');
    const starlight = await verifyPage('starlight.mdx', undefined, ['--strict']);
    expect(starlight.exitCode).toBe(2);
    expect(starlight.stderr).toContain('`flake` is missing');
  });
});

/** [what, page, edit, where the error is (needle in the edited page, and columns after it), reason]. */
const MISTAKES: Array<[string, string, { from: string; to: string }, [string, number], RegExp]> = [
  [
    'a MyST block with options: a missing `;`',
    'nix-dev.md',
    { from: 'pname = "greeter";', to: 'pname = "greeter"' },
    // `"greeter" version` reads as an application: Nix stops at the `=` after it.
    ['version = "0.1";\n  src', 'version '.length],
    /unexpected '=', expecting ';'/,
  ],
  [
    'a function head alone: a missing comma',
    'nix-dev.md',
    { from: '{ lib, stdenv, fetchurl, ... }:', to: '{ lib, stdenv fetchurl, ... }:' },
    ['fetchurl, ... }:', 0],
    /syntax error/,
  ],
  [
    'a `let … in` head: a binding without `;`',
    'nix-dev.md',
    { from: 'name = "greeter-${version}";', to: 'name = "greeter-${version}"' },
    ['in\n```', 0],
    /unexpected IN/,
  ],
  [
    'a `nix-repl>` input',
    'nix-dev.md',
    { from: 'nix-repl> 1 + 2', to: 'nix-repl> 1 + * 2' },
    ['nix-repl> 1 + * 2', 'nix-repl> 1 + '.length],
    /unexpected '\*'/,
  ],
  [
    'a value the REPL printed',
    'nix-dev.md',
    { from: '{ a = 1; b = { ... }; }\n', to: '{ a = 1; b = { ... } }\n' },
    ['{ a = 1; b = { ... } }\n', '{ a = 1; b = { ... } '.length],
    /unexpected '}', expecting ';'/,
  ],
  [
    'a continued `nix-repl>` input',
    'nix-dev.md',
    { from: '            2\n', to: '            2 =\n' },
    ['2 =\n', 2],
    /unexpected '='/,
  ],
  [
    'a `...` among bindings: the list after it left open',
    'nixos-manual.md',
    { from: '[ git … ];', to: '[ git … ;' },
    ['[ git … ;', '[ git … '.length],
    /unexpected ';'/,
  ],
  [
    'a `<name>` in an option path',
    'nixos-manual.md',
    { from: 'extraGroups = [ "wheel" ];', to: 'extraGroups = [ "wheel" ;' },
    ['[ "wheel" ;', '[ "wheel" '.length],
    /unexpected ';'/,
  ],
  [
    'a fence with a lone title: a missing `;`',
    'starlight.mdx',
    { from: 'description = "A pinned shell";', to: 'description = "A pinned shell"' },
    ['inputs.nixpkgs.url =', 'inputs.nixpkgs.url '.length],
    /unexpected '=', expecting ';'/,
  ],
  [
    'a `=>` result',
    'myst.md',
    { from: '=> "two"', to: '=> "two" =' },
    ['=> "two" =', '=> "two" '.length],
    /unexpected '='/,
  ],
  [
    'a MyST block with YAML options',
    'myst.md',
    { from: '{ a = 1; b = "two"; }.b', to: '{ a = 1 b = "two"; }.b' },
    ['b = "two"; }.b', 'b '.length],
    /unexpected '=', expecting ';'/,
  ],
];

describe('a real mistake inside each shape is reported where it is', () => {
  it.each(MISTAKES)('%s', async (_what, page, edit, [needle, shift], reason) => {
    const run = await verifyPage(page, edit);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.report!.diagnostics).toHaveLength(1);
    const [diagnostic] = run.report!.diagnostics;
    expect(diagnostic!.reason).toMatch(reason);
    expect(diagnostic!.place).toEqual(await run.at(page, needle, shift));
  });
});

describe('a block that ends before its expression does', () => {
  it('says so at its last line, naming what is left open', async () => {
    const run = await verifyPage('nixos-manual.md', { from: '  options = [ "noatime" … ];\n};', to: '  options = [ "noatime" … ];' });
    expect(run.exitCode, run.stderr).toBe(1);
    const open = await run.at('nixos-manual.md', 'fileSystems."/data" = {');
    expect(run.report!.diagnostics.map((d) => [d.reason, d.place])).toEqual([
      [
        `This block ends before its expression does: the \`{\` at line ${open.line} is never closed.`,
        await run.at('nixos-manual.md', '  options = [ "noatime" … ];', '  options = [ "noatime" … ];'.length),
      ],
    ]);
    expect(run.stderr).not.toContain("unexpected ')'");
  });

  it('says so for a head that is not one (`with` without its `;`)', async () => {
    const run = await verifyPage('starlight.mdx', { from: 'with import <nixpkgs> { };', to: 'with import <nixpkgs> { }' });
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.report!.diagnostics.map((d) => [d.reason, d.place])).toEqual([
      [
        "This block ends before its expression does: Nix expected ';' after its last line.",
        await run.at('starlight.mdx', 'with import <nixpkgs> { }\n', 'with import <nixpkgs> { }'.length),
      ],
    ]);
  });

  it('says so for one `nix-repl>` input, at its line', async () => {
    const run = await verifyPage('nix-dev.md', { from: 'nix-repl> greeting + ", world"', to: 'nix-repl> greeting +' });
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.report!.diagnostics.map((d) => [d.reason, d.place])).toEqual([
      [
        'This `nix-repl>` input ends before its expression does: its last line leaves the expression unfinished.',
        await run.at('nix-dev.md', 'nix-repl> greeting +\n', 'nix-repl> greeting +'.length),
      ],
    ]);
  });

  it('says so for the expression before a `=>` result', async () => {
    const run = await verifyPage('starlight.mdx', { from: 'builtins.length [ 1 2 3 ]', to: 'builtins.length [ 1 2 3' });
    expect(run.exitCode, run.stderr).toBe(1);
    const open = await run.at('starlight.mdx', '[ 1 2 3\n');
    expect(run.report!.diagnostics.map((d) => [d.reason, d.place])).toEqual([
      [
        `The code before \`=>\` ends before its expression does: the \`[\` at line ${open.line} is never closed.`,
        await run.at('starlight.mdx', 'builtins.length [ 1 2 3\n', 'builtins.length [ 1 2 3'.length),
      ],
    ]);
  });
});
