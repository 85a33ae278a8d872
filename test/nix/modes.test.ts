/**
 * Which nixpkgs a run uses, and the zero-config mode for pages the project did not write.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runVerifier, type Edit, type VerifierRun } from './run-verifier.ts';

const PAGES = ['simple.mdx', 'nur.mdx'];
const STANDIN = new URL('../../scripts/verifier/nixpkgs-standin', import.meta.url).pathname;
// A pin Nix fails to fetch at once, on any network: how unreachable nixpkgs looks.
const UNREACHABLE: Edit[] = ['simple.mdx', 'nur.mdx'].map((page) => ({
  page,
  from: 'github:NixOS/nixpkgs/nixos-26.05',
  to: 'path:/nonexistent/nixpkgs',
  all: true,
}));

let run: VerifierRun | undefined;
afterEach(async () => {
  await run?.cleanup();
  run = undefined;
});

describe('nixpkgs', () => {
  it('in CI, unreachable nixpkgs is an environment problem, not a quiet fallback', async () => {
    run = await runVerifier('drift', PAGES, UNREACHABLE, [], { CI: 'true' });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('nixpkgs (`path:/nonexistent/nixpkgs`) could not be fetched');
    expect(run.stderr).toContain('ask for the stand-in with --offline');
  });

  it('outside CI, it falls back to the stand-in, loudly, and the report says so', async () => {
    run = await runVerifier('drift', PAGES, UNREACHABLE);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain('Falling back to the OFFLINE STAND-IN: results are not checked against nixpkgs.');
    expect(run.report!.nixpkgs).toMatchObject({ kind: 'standin' });
    expect(run.report!.levelRequested).toBe('eval');
  });

  it('--nixpkgs takes a checkout and names it', async () => {
    run = await runVerifier('drift', PAGES, [], ['--nixpkgs', STANDIN]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.report!.nixpkgs).toMatchObject({ kind: 'path', path: STANDIN, label: `nixpkgs checkout ${STANDIN}` });
  });

  it('a Nix too old for the nixpkgs in use is an environment problem, not drift', async () => {
    const nixpkgs = await mkdtemp(join(tmpdir(), 'old-nixpkgs-'));
    try {
      // What nixpkgs 25.11 and later do on Nix older than 2.18 (lib/minfeatures.nix).
      await writeFile(
        join(nixpkgs, 'flake.nix'),
        '{ outputs = _: { lib.nixosSystem = _: abort "This version of Nixpkgs requires Nix >= 2.18, please upgrade:"; }; }\n',
      );
      run = await runVerifier('drift', PAGES, [], ['--nixpkgs', nixpkgs]);
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toMatch(/Nix [\d.]+ is too old for nixpkgs checkout .*, which needs Nix 2\.18 or newer/);
    } finally {
      await rm(nixpkgs, { recursive: true, force: true });
    }
  });

  it('without Nix, says what to install', async () => {
    run = await runVerifier('drift', PAGES, [], ['--offline'], { PATH: '/nonexistent' });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('Nix is not installed or not on PATH');
  });
});

describe('the cache', () => {
  it('never answers a page whose blocks moved with stale answers', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'verify-cache-'));
    try {
      const first = await runVerifier('drift', PAGES, [], ['--offline', '--cache', cache]);
      expect(first.exitCode, first.stderr).toBe(0);
      await first.cleanup();
      // Two blank lines before the command block move it; the flake itself is unchanged.
      run = await runVerifier('drift', PAGES, [{ page: 'simple.mdx', from: 'Check it:', to: 'Check it:\n\n' }], ['--offline', '--cache', cache]);
      expect(run.exitCode, run.stderr).toBe(0);
      const line = await run.lineOf('simple.mdx', '```console flake="simple"');
      expect(run.report!.blocks.find((b) => b.line === line)).toMatchObject({ role: 'command', status: 'verified' });
    } finally {
      await rm(cache, { recursive: true, force: true });
    }
  });
});

describe('timeouts', () => {
  it('stops a Nix call that runs past --timeout: an environment problem naming the flake, never a verdict', async () => {
    run = await runVerifier('slow', ['slow.md'], [], ['--offline', '--timeout', '2']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/Flake `\w+`: Nix did not finish within 2s and was stopped\. If it needs longer, raise --timeout\./);
  });
});

describe('zero-config mode', () => {
  it('parse-checks unannotated blocks as expressions or bindings, and points at the broken one', async () => {
    run = await runVerifier('lint', ['notes.md'], [], []);
    expect(run.exitCode, run.stderr).toBe(1);
    const line = await run.lineOf('notes.md', '};');
    expect(run.report!.diagnostics).toHaveLength(1);
    expect(run.report!.diagnostics[0]).toMatchObject({ file: run.pagePath('notes.md'), place: { line, column: 1 }, ruleId: 'parse' });
    expect(run.report!.blocks.map((b) => [b.line, b.role, b.status])).toEqual([
      [5, 'lint', 'verified'],
      [11, 'lint', 'verified'],
      [18, 'lint', 'failed'],
    ]);
    expect(run.report!.nixpkgs.kind).toBe('none');
  });

  it('reports a page whose Markdown is broken as a finding at its line, and checks every other page', async () => {
    run = await runVerifier('lint', ['quoted.md', 'notes.md'], [], []);
    expect(run.exitCode, run.stderr).toBe(1);
    const fence = await run.lineOf('quoted.md', '> ```nix');
    expect(run.report!.diagnostics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: run.pagePath('quoted.md'), place: { line: fence, column: 3 }, ruleId: 'markdown', reason: expect.stringMatching(/^This code fence is never closed/) }),
        expect.objectContaining({ file: run.pagePath('notes.md'), place: { line: await run.lineOf('notes.md', '};'), column: 1 }, ruleId: 'parse' }),
      ]),
    );
    // The other page's blocks were checked, and so was the quoted page's last block.
    expect(run.report!.blocks.filter((b) => b.page.endsWith('notes.md')).map((b) => b.status)).toEqual(['verified', 'verified', 'failed']);
  });
});

describe('--level parse', () => {
  const misspelled: Edit = { page: 'simple.mdx', from: '${kernel.modDirVersion}/build', to: '${kernel.modDirVersio}/build' };

  it('evaluates nothing, and says nothing past the parse: commands and expected failures are not run', async () => {
    // A mistake only evaluation finds: at the parse level it is not looked for, and no block
    // claims more than that it parses.
    run = await runVerifier('drift', PAGES, [misspelled], ['--offline', '--level', 'parse']);
    expect(run.exitCode, run.stderr).toBe(0);
    const report = run.report!;
    expect(report.levelRequested).toBe('parse');
    expect(report.blocks.filter((b) => b.level !== null && b.level !== 'parse')).toEqual([]);
    for (const block of report.blocks.filter((b) => b.role === 'command' || b.role === 'expected-failure')) {
      expect(block, block.id).toMatchObject({ status: 'not-run', level: null });
    }
    expect(report.blocks.find((b) => b.role === 'expected-failure')!.message).toBe('Not checked: the run stopped at the parse level (--level parse).');
    expect(report.flakes.filter((f) => !f.variantOf).map((f) => `${f.name}:${f.status}:${f.level}`).sort()).toEqual(['nur:verified:parse', 'simple:verified:parse', 'system:verified:parse']);
  });

  it('reads no nixpkgs: the pinned one is not looked up, even in CI', async () => {
    run = await runVerifier('drift', PAGES, [], ['--level', 'parse'], { CI: 'true' });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.report!.nixpkgs).toMatchObject({ kind: 'none', label: 'no nixpkgs (parse level only)' });
    expect(run.stderr).not.toMatch(/stand-in|could not be fetched/i);
  });

  it('still fails what does not parse', async () => {
    run = await runVerifier('drift', PAGES, [{ page: 'simple.mdx', from: 'module = config.boot', to: 'module = = config.boot' }], ['--offline', '--level', 'parse']);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.report!.flakes.find((f) => f.name === 'simple')).toMatchObject({ status: 'failed' });
  });

  it('is what keeps that mistake from being found: at the eval level it is', async () => {
    run = await runVerifier('drift', PAGES, [misspelled], ['--offline', '--level', 'eval']);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/attribute 'modDirVersio' missing/);
  });
});
