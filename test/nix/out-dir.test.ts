/**
 * `--out` loses nothing: it replaces only folders it wrote, never the checkout, and a write
 * that fails, is interrupted or races another run leaves one complete tree.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OUT_MARKER, OutDirRefused, outDirProblem, writeOutDir } from '../../scripts/verifier/out-dir.ts';
import { runVerifier, type VerifierRun } from './run-verifier.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const WRITER = join(import.meta.dirname, 'out-dir-writer.ts');
const tree = (name: string, text: string) => ({ name, files: [{ path: 'a/file.nix', text, origins: [] }] });

let work: string;
let run: VerifierRun | undefined;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'out-dir-'));
});
afterEach(async () => {
  await run?.cleanup();
  run = undefined;
  await rm(work, { recursive: true, force: true });
});

/** Every file under `dir` with its text: a snapshot to compare before and after. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return Object.fromEntries(await Promise.all(files.map(async (f) => [f.slice(dir.length + 1), await readFile(f, 'utf8')] as const)));
}

describe('which folders --out replaces', () => {
  it('a new, an empty or a marked folder; nothing else', async () => {
    expect(await outDirProblem(join(work, 'new'), [ROOT])).toBeUndefined();
    await mkdir(join(work, 'empty'));
    expect(await outDirProblem(join(work, 'empty'), [ROOT])).toBeUndefined();
    await mkdir(join(work, 'marked'));
    await writeFile(join(work, 'marked', OUT_MARKER), '');
    await writeFile(join(work, 'marked', 'old.nix'), '');
    expect(await outDirProblem(join(work, 'marked'), [ROOT])).toBeUndefined();

    await mkdir(join(work, 'mine'));
    await writeFile(join(work, 'mine', 'notes.txt'), 'keep me');
    expect(await outDirProblem(join(work, 'mine'), [ROOT])).toBe(
      `Refusing to replace ${join(work, 'mine')} with the assembled flakes: it is not empty, and --out did not write it (it has no ${OUT_MARKER} file). Name a new or empty folder for --out, or remove this one yourself.`,
    );
    await writeFile(join(work, 'file'), '');
    expect(await outDirProblem(join(work, 'file'), [ROOT])).toMatch(/which is not a folder/);
    await symlink(join(work, 'empty'), join(work, 'link'));
    expect(await outDirProblem(join(work, 'link'), [ROOT])).toMatch(/names a symbolic link/);
  });

  it('never the checkout or the working directory, nor a folder that holds them, even when marked', async () => {
    await writeFile(join(work, OUT_MARKER), '');
    expect(await outDirProblem(work, [work])).toMatch(/^Refusing to replace .* it is the checkout or the working directory/);
    expect(await outDirProblem(ROOT, [ROOT])).toMatch(/it is the checkout or the working directory/);
    expect(await outDirProblem(dirname(ROOT), [ROOT])).toMatch(/it contains the checkout or the working directory/);
    expect(await outDirProblem('/', [ROOT])).toMatch(/it contains the checkout/);
    await expect(writeOutDir(work, [tree('x', '1')], { guarded: [work] })).rejects.toThrow(OutDirRefused);
    expect(existsSync(join(work, 'x'))).toBe(false);
  });
});

describe('writing --out', () => {
  it('replaces an earlier tree whole, and marks the folder', async () => {
    const out = join(work, 'out');
    await writeOutDir(out, [tree('old', 'old'), tree('both', 'old')], { guarded: [] });
    await writeOutDir(out, [tree('both', 'new')], { guarded: [] });
    expect(await snapshot(out)).toEqual({ [OUT_MARKER]: expect.stringContaining('--out'), 'both/a/file.nix': 'new' });
    // As readable as a folder made with mkdir: not private like a temporary folder.
    await mkdir(join(work, 'plain'));
    expect((await stat(out)).mode).toBe((await stat(join(work, 'plain'))).mode);
    await rm(join(work, 'plain'), { recursive: true });
    expect(await readdir(work)).toEqual(['out']);
  });

  it('a write that fails halfway leaves the old tree, and no temporary folder', async () => {
    const out = join(work, 'out');
    await writeOutDir(out, [tree('one', 'old'), tree('two', 'old')], { guarded: [] });
    const before = await snapshot(out);
    let written = 0;
    const failing = async (dir: string) => {
      if (++written === 2) throw new Error('disk full');
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'partial.nix'), 'new');
    };
    await expect(writeOutDir(out, [tree('one', 'new'), tree('two', 'new')], { guarded: [], writeTree: failing })).rejects.toThrow('disk full');
    expect(await snapshot(out)).toEqual(before);
    expect(await readdir(work)).toEqual(['out']);
  });

  it('an interrupt while writing leaves the old tree, and no temporary folder', async () => {
    const out = join(work, 'out');
    await writeOutDir(out, [tree('one', 'old')], { guarded: [] });
    const before = await snapshot(out);
    const child = spawn(process.execPath, [WRITER, out, 'new', '1', 'slow'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((started) => child.stdout.once('data', () => started()));
    const siblings = await readdir(work);
    expect(siblings.some((s) => s.startsWith('.out.tmp-'))).toBe(true);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    expect(code).toBe(130);
    expect(await snapshot(out)).toEqual(before);
    expect(await readdir(work)).toEqual(['out']);
  });

  it('two processes writing one folder at once end with one complete tree, and do not crash', async () => {
    const out = join(work, 'out');
    const writer = (label: string) =>
      new Promise<{ code: number; stderr: string }>((done) =>
        execFile(process.execPath, [WRITER, out, label, '15'], (error, _stdout, stderr) => done({ code: error ? Number(error.code) : 0, stderr })),
      );
    const results = await Promise.all([writer('first'), writer('second'), writer('third')]);
    for (const result of results) expect(result, result.stderr).toEqual({ code: 0, stderr: '' });
    const files = await snapshot(out);
    expect(Object.keys(files)).toHaveLength(201);
    const labels = new Set(Object.entries(files).filter(([path]) => path !== OUT_MARKER).map(([, text]) => text));
    expect(labels.size).toBe(1);
    expect(await readdir(work)).toEqual(['out']);
  });
});

describe('the command line', () => {
  it('--out on a non-empty folder it did not write: exit 2, and the folder is untouched', async () => {
    const mine = join(work, 'mine');
    await mkdir(join(mine, 'notes'), { recursive: true });
    await writeFile(join(mine, 'notes', 'todo.md'), 'keep me\n');
    const before = await snapshot(mine);
    const mtime = (await stat(mine)).mtimeMs;
    run = await runVerifier('drift', ['simple.mdx', 'nur.mdx'], [], ['--offline', '--level', 'parse', '--out', mine]);
    expect(run.exitCode, run.stderr).toBe(2);
    // Refused before any work: no Nix ran, and no report was written.
    expect(run.stderr).toContain(`error: Refusing to replace ${mine} with the assembled flakes: it is not empty, and --out did not write it`);
    expect(run.report).toBeUndefined();
    expect(await snapshot(mine)).toEqual(before);
    expect((await stat(mine)).mtimeMs).toBe(mtime);
    expect(await readdir(work)).toEqual(['mine']);
  });

  it('--out writes every flake into a marked folder, and a second run replaces it', async () => {
    const out = join(work, 'flakes');
    run = await runVerifier('drift', ['simple.mdx', 'nur.mdx'], [], ['--offline', '--level', 'parse', '--out', out]);
    // Whatever the verdict (0 or 1), --out is written; 2 would be a usage problem.
    expect(run.exitCode, run.stderr).not.toBe(2);
    const first = await readdir(out);
    expect(first).toEqual(expect.arrayContaining([OUT_MARKER, 'simple', 'nur', 'system']));
    await writeFile(join(out, 'stale.nix'), '');
    await run.cleanup();
    run = await runVerifier('drift', ['simple.mdx', 'nur.mdx'], [], ['--offline', '--level', 'parse', '--out', out]);
    expect(run.exitCode, run.stderr).not.toBe(2);
    expect((await readdir(out)).sort()).toEqual(first.sort());
  });

  it('two runs writing one --out at once both finish, and leave one complete tree', async () => {
    const out = join(work, 'flakes');
    const runs = await Promise.all([1, 2].map(() => runVerifier('drift', ['simple.mdx', 'nur.mdx'], [], ['--offline', '--level', 'parse', '--out', out])));
    try {
      for (const r of runs) expect(r.exitCode, r.stderr).not.toBe(2);
      expect(await readdir(out)).toEqual(expect.arrayContaining([OUT_MARKER, 'simple', 'nur']));
      expect(await readdir(work)).toEqual(['flakes']);
    } finally {
      await Promise.all(runs.map((r) => r.cleanup()));
    }
  });
});
