/**
 * Mistakes in how blocks name flakes, and pages from anywhere kept away from the guide's
 * glue: each is exit 2 before Nix evaluates anything, with a message at the right line.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NIX_ENV, runVerifier, type VerifierRun } from './run-verifier.ts';

const PAGES = ['simple.mdx', 'nur.mdx'];
const ROOT = resolve(import.meta.dirname, '../..');
let run: VerifierRun | undefined;
afterEach(async () => {
  await run?.cleanup();
  run = undefined;
});

describe('how blocks name their flakes', () => {
  it('a misspelt flake name on a file block: no flake.nix, and a guess', async () => {
    run = await runVerifier('drift', PAGES, [{ page: 'simple.mdx', from: '```nix flake="simple" title="module.nix"', to: '```nix flake="simpel" title="module.nix"' }], ['--offline']);
    expect(run.exitCode, run.stderr).toBe(2);
    const line = await run.lineOf('simple.mdx', '```nix flake="simpel"');
    expect(run.stderr).toContain(`${run.pagePath('simple.mdx')}:${line}:1: error [annotation]`);
    expect(run.stderr).toContain('Flake `simpel` has no `flake.nix`');
    expect(run.stderr).toContain('Did you mean `simple`?');
    expect(run.stderr).not.toMatch(/\/nix\/store\//);
  });

  it('a command block for a flake that does not exist', async () => {
    run = await runVerifier('drift', PAGES, [{ page: 'simple.mdx', from: '```console flake="simple"', to: '```console flake="simpel"' }], ['--offline']);
    expect(run.exitCode, run.stderr).toBe(2);
    const line = await run.lineOf('simple.mdx', '```console flake="simpel"');
    expect(run.stderr).toContain(`${run.pagePath('simple.mdx')}:${line}:1: error [annotation]`);
    expect(run.stderr).toContain('runs in flake `simpel`, which no block or glue defines. Did you mean `simple`?');
  });

  it('flakes whose inputs link in a circle', async () => {
    run = await runVerifier('drift', PAGES, [], ['--offline'], {}, async (dir) => {
      await writeFile(join(dir, 'flakes/nur.json'), JSON.stringify({ inputs: { system: 'system' } }));
    });
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/inputs link in a circle: `(nur|system)` → `(nur|system)` → `\1`/);
  });

  it('a --flakes folder that does not exist', async () => {
    run = await runVerifier('drift', PAGES, [], ['--offline', '--flakes', '/nonexistent/flakes']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--flakes /nonexistent/flakes: no such folder.');
  });
});

describe('pages from anywhere', () => {
  it('cannot fill the guide’s slots: without --flakes they get no glue', async () => {
    const page = join(ROOT, 'test/fixtures/zero-config/pages/guide-slot.md');
    const { code, stderr } = await new Promise<{ code: number; stderr: string }>((done) =>
      execFile(process.execPath, [join(ROOT, 'scripts/verify.ts'), '--offline', '--no-cache', '--quiet', page], { cwd: ROOT, env: NIX_ENV }, (error, _out, stderr) =>
        done({ code: error ? Number(error.code) : 0, stderr }),
      ),
    );
    expect(code, stderr).toBe(2);
    expect(stderr).toContain('`configuration.nix` of flake `simple` has no glue template');
    expect(stderr).not.toContain('src/flakes/simple/configuration.nix:');
  });
});

describe('paths with spaces and special characters', () => {
  it('a TMPDIR with a space and a # in it works: the scratch folder goes where a flake URL can name it', async () => {
    const odd = await mkdtemp(join(tmpdir(), 'odd dir #1-'));
    try {
      run = await runVerifier('drift', PAGES, [], ['--offline'], { TMPDIR: odd });
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.report!.summary.failed).toBe(0);
      // No scratch folder was made (or left) there.
      expect((await readdir(odd)).filter((name) => !name.endsWith('.json'))).toEqual([]);
    } finally {
      await rm(odd, { recursive: true, force: true });
    }
  });
});

describe('declared claims', () => {
  const claim = '"qc71_laptop is in boot.kernelModules" = ';
  async function withClaim(value: string) {
    return runVerifier('drift', PAGES, [], ['--offline'], {}, async (dir) => {
      const path = join(dir, 'flakes/simple.checks.nix');
      const text = await readFile(path, 'utf8');
      await writeFile(path, text.replace(/"qc71_laptop is in boot.kernelModules" = [^;]*;/, `${claim}${value};`));
    });
  }

  it.each([['"false"', 'a string'], ['[ ]', 'a list'], ['{ }', 'a set'], ['1', 'an int']])('a claim that is %s is not a boolean, and never holds', async (value, type) => {
    run = await withClaim(value);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stderr).toContain(`simple.checks.nix:6:1: drift [check]\n  The claim "qc71_laptop is in boot.kernelModules" is ${type}, not a boolean`);
  });

  it('a claim that throws is the claim’s failure, at its line, not a page’s', async () => {
    run = await withClaim('throw "broken claim"');
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stderr).toContain('simple.checks.nix:6:1: drift [check]\n  The claim "qc71_laptop is in boot.kernelModules" could not be evaluated');
    expect(run.report!.diagnostics.every((d) => d.file.endsWith('simple.checks.nix'))).toBe(true);
  });
});
