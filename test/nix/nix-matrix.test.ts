/**
 * The same guide and the same mistakes on every Nix this machine has (scripts/setup-machine.sh
 * installs them): on each current Nix the guide verifies up to the boot level, and each kind of
 * drift is reported at the same page line; on a Nix older than nixpkgs allows, the run is an
 * environment problem that says to use a current Nix, while the parse level still works.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../scripts/verifier/types.ts';
import { MINIMUM_NIX, NIX_VERSIONS_DIR, nixVersions, withNix, type NixVersion } from './nix-versions.ts';
import { NIX_ENV, runVerifier, type Edit } from './run-verifier.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SHARED_SOURCES = resolve(ROOT, '../shared/sources');
const versions = nixVersions();
const current = versions.filter((v) => v.current);
const old = versions.filter((v) => !v.current);

it(`has the test matrix in ${NIX_VERSIONS_DIR}: a Nix older than ${MINIMUM_NIX} and two current ones`, () => {
  const found = versions.map((v) => `${v.label} (${v.version})`).join(', ') || 'nothing';
  expect(old.length, `found ${found}; scripts/setup-machine.sh installs the matrix`).toBeGreaterThanOrEqual(1);
  expect(current.length, `found ${found}; scripts/setup-machine.sh installs the matrix`).toBeGreaterThanOrEqual(2);
  console.log(`Nix matrix: ${found}`);
});

/** The guide itself, as `npm run verify` checks it, with this Nix first on PATH. */
async function verifyGuide(nix: NixVersion, args: string[] = []) {
  const dir = await mkdtemp(join(tmpdir(), 'nix-matrix-'));
  const report = join(dir, 'report.json');
  const argv = [join(ROOT, 'scripts/verify.ts'), '--offline', '--no-cache', '--quiet', '--sources', SHARED_SOURCES, '--report', report, ...args];
  const { exitCode, stderr } = await new Promise<{ exitCode: number; stderr: string }>((done) => {
    execFile(process.execPath, argv, { env: { ...NIX_ENV, ...withNix(nix) }, cwd: ROOT, maxBuffer: 16 << 20 }, (error, _stdout, stderr) => {
      done({ exitCode: error ? (typeof error.code === 'number' ? error.code : 99) : 0, stderr });
    });
  });
  const parsed = await readFile(report, 'utf8').then((t) => JSON.parse(t) as Report, () => undefined);
  await rm(dir, { recursive: true, force: true });
  return { exitCode, stderr, report: parsed };
}

interface DriftCase {
  kind: string;
  fixture: string;
  pages: string[];
  edits: Edit[];
  args: string[];
  /** Where the diagnostic must be: the page and the text its line starts with. */
  page: string;
  needle: string;
  reason: RegExp;
}

const EVAL = ['--offline', '--level', 'eval'];
const onSimple = (from: string, to: string): Edit[] => [{ page: 'simple.mdx', from, to }];
const drift = (kind: string, edits: Edit[], needle: string, reason: RegExp): DriftCase => ({
  kind,
  fixture: 'drift',
  pages: ['simple.mdx', 'nur.mdx'],
  edits,
  args: EVAL,
  page: 'simple.mdx',
  needle,
  reason,
});

const CASES: DriftCase[] = [
  drift('a parse error', onSimple('[ "qc71_laptop" ];', '[ "qc71_laptop" ] ];'), '[ "qc71_laptop" ] ];', /syntax error, unexpected '\]'/),
  drift(
    'a file that ends before its expression does (an error at the end of the file)',
    onSimple('        modules = [ ./configuration.nix ];\n      };\n    };\n}\n```', '        modules = [ ./configuration.nix ];\n      };\n    };\n```'),
    // At the block's last line, where the file ends too soon.
    '    };\n```',
    /end of file/,
  ),
  drift('an undefined variable', onSimple('module = config.boot', 'module = confg.boot'), 'module = confg.boot', /undefined variable 'confg'/),
  drift('a missing argument', onSimple('  kernelModuleMakeFlags,\n}:', '  kernelModuleMakeFlags,\n  kmodTools,\n}:'), '  kmodTools,', /called without required argument "kmodTools"/),
  drift('an option type error', onSimple('boot.kernelModules = [ "qc71_laptop" ];', 'boot.kernelModules = "qc71_laptop";'), 'boot.kernelModules = "qc71_laptop";', /is not of type/),
  drift(
    'a failed claim',
    onSimple('boot.kernelModules = [ "qc71_laptop" ];', 'boot.kernelModules = [ "qc71-laptop" ];'),
    'boot.kernelModules = [ "qc71-laptop" ];',
    /qc71_laptop is in boot\.kernelModules/,
  ),
  drift(
    'an expected failure that fails otherwise',
    onSimple(`fails='Function called without required argument "kernelModuleMakeFlags"'`, `fails='Function called without required argument "kernelFlags"'`),
    `\`\`\`nix flake="simple" title="configuration.nix" slot="let" fails='Function called without required argument "kernelFlags"'`,
    /shown as failing with .*kernelFlags.*, but/,
  ),
  drift(
    'a command whose output changed',
    onSimple(`--apply 'builtins.elem "qc71_laptop"'\ntrue`, `--apply 'builtins.elem "qc71_laptop"'\nfalse`),
    '$ nix eval .#nixosConfigurations.hero',
    /output of this command changed/,
  ),
  {
    kind: 'a build failure',
    fixture: 'build',
    pages: ['module.md'],
    edits: [{ page: 'module.md', from: '  src = ./src;\n', to: `  src = ./src;\n  postPatch = ''\n    substituteInPlace hello.c --replace-fail "return 0;" "return undeclared_thing;"\n  '';\n` }],
    args: ['--offline', '--level', 'build'],
    page: 'module.md',
    // The compiler's error is in what postPatch made of the sources: at the line that made it.
    needle: "  postPatch = ''",
    reason: /hello\.c:\d+:\d+: error: 'undeclared_thing' undeclared/,
  },
  {
    kind: 'a hash mismatch',
    fixture: 'drift/fetch',
    pages: ['fetch.md'],
    edits: [{ page: 'fetch.md', from: 'sha256-WJG1tSLV3whtD', to: 'sha256-AJG1tSLV3whtD' }],
    args: ['--offline', '--level', 'fetch'],
    page: 'fetch.md',
    needle: 'outputHash = "sha256-AJG1',
    reason: /hash does not match/,
  },
];

describe.each(current)('Nix $version ($label)', (nix) => {
  it('verifies the guide up to the boot level, built against both kernels', async () => {
    const run = await verifyGuide(nix);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.report!.nix.version).toBe(nix.version);
    expect(run.report!.levelRequested).toBe('boot');
    expect(run.report!.builtAgainst).toEqual([expect.stringMatching(/^Linux 6\.12\.\d+$/), expect.stringMatching(/^Linux [7-9]\.\d+\.\d+$/)]);
    const packages = run.report!.blocks.filter((b) => b.role === 'file' && b.flake && /qc71-slimbook-laptop\.nix|package\.nix$/.test(b.file ?? ''));
    expect(packages.length).toBeGreaterThan(0);
    for (const block of packages) expect(block).toMatchObject({ status: 'verified', level: expect.stringMatching(/^(build|boot)$/) });
    // Every system that uses the module booted on the virtual Hero and loaded it.
    for (const name of ['simple', 'system', 'extras']) {
      expect(run.report!.flakes.find((f) => f.name === name)!.checks).toContainEqual({ name: 'qc71_laptop is loaded after boot', status: 'verified' });
    }
  });

  it.each(CASES)('reports $kind at its page line', async (c) => {
    const run = await runVerifier(c.fixture, c.pages, c.edits, c.args, withNix(nix));
    try {
      expect(run.exitCode, run.stderr).toBe(1);
      expect(run.report!.nix.version).toBe(nix.version);
      const line = await run.lineOf(c.page, c.needle);
      const found = run.report!.diagnostics.find((d) => d.file === run.pagePath(c.page) && d.place?.line === line && c.reason.test(d.reason));
      expect(found, `no diagnostic matching ${c.reason} at ${c.page}:${line} in:\n${run.stderr}`).toBeDefined();
    } finally {
      await run.cleanup();
    }
  });
});

describe.each(old)('Nix $version ($label), older than nixpkgs allows', (nix) => {
  it('is an environment problem for the guide: one message, to use a current Nix', async () => {
    const run = await verifyGuide(nix);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.report).toBeUndefined();
    expect(run.stderr).toMatch(new RegExp(`Nix ${nix.version.replaceAll('.', '\\.')} is too old for offline stand-in \\S+ \\(not nixpkgs\\), which needs Nix ${MINIMUM_NIX.replace('.', '\\.')} or newer\\. Use a current Nix`));
    expect(run.stderr.match(/error \[environment\]/g)).toHaveLength(1);
  });

  it('still parses the guide, and puts a parse error at its line', async () => {
    const guide = await verifyGuide(nix, ['--level', 'parse']);
    expect(guide.exitCode, guide.stderr).toBe(0);
    const c = CASES[0]!;
    const run = await runVerifier(c.fixture, c.pages, c.edits, ['--offline', '--level', 'parse'], withNix(nix));
    try {
      expect(run.exitCode, run.stderr).toBe(1);
      const line = await run.lineOf(c.page, c.needle);
      expect(run.report!.diagnostics).toContainEqual(expect.objectContaining({ file: run.pagePath(c.page), place: expect.objectContaining({ line }) }));
    } finally {
      await run.cleanup();
    }
  });
});

describe('the stand-in’s own floor, as nixpkgs’ default.nix', () => {
  const STANDIN = join(ROOT, 'scripts/verifier/nixpkgs-standin');
  const evaluate = (nix: NixVersion) =>
    new Promise<{ ok: boolean; out: string }>((done) =>
      execFile(join(nix.bin, 'nix-instantiate'), ['--eval', '--expr', `builtins.isAttrs (import ${STANDIN} { system = "x86_64-linux"; })`], { env: NIX_ENV }, (error, stdout, stderr) =>
        done({ ok: !error, out: `${stdout}${stderr}` }),
      ),
    );

  it.each(old)('refuses Nix $version in nixpkgs’ words', async (nix) => {
    const result = await evaluate(nix);
    expect(result.ok).toBe(false);
    expect(result.out).toContain(`This version of Nixpkgs requires Nix >= ${MINIMUM_NIX}, please upgrade`);
  });

  it.each(current)('evaluates on Nix $version', async (nix) => {
    expect(await evaluate(nix)).toEqual({ ok: true, out: 'true\n' });
  });
});
