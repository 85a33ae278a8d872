/**
 * `--out DIR`: every assembled flake, written so that nothing is lost.
 *
 * - DIR is replaced only if it is empty or was written by `--out` before: such a folder
 *   holds the marker file `.nix-verify-out`. Anything else is refused, and so are the
 *   checkout and the working directory (and the folders that contain them).
 * - The new tree is written to a temporary folder next to DIR, then renamed into place. The
 *   old tree is moved aside only once the new one is complete, and removed after. The two
 *   renames are synchronous, so no signal handler can run between them.
 * - Runs that write the same DIR at once each write their own temporary folder; the last
 *   rename wins, and a rename that finds DIR taken moves it aside and tries again.
 * - Temporary folders still there when the process exits (an interrupt) are removed.
 */
import { readdirSync, renameSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { resolveInside } from './paths.ts';
import type { AssembledFile } from './types.ts';
import { writeTree as writeFlakeTree } from './workspace.ts';

export const OUT_MARKER = '.nix-verify-out';
const MARKER_TEXT = 'Written by the snippet verifier (`npm run verify -- --out`). The next run with --out replaces this folder whole.\n';
/** Tries to rename into a folder that other runs keep taking. */
const ATTEMPTS = 20;

export interface OutTree {
  name: string;
  files: readonly AssembledFile[];
}

export interface OutOptions {
  /** Folders that must survive: `--out` may be neither of them nor contain one. */
  guarded: readonly string[];
  /** Writes one tree; replaceable to test a write that fails halfway. */
  writeTree?: (dir: string, files: readonly AssembledFile[]) => Promise<void>;
}

/** A folder `--out` refuses to replace; the message says why. */
export class OutDirRefused extends Error {}

/** Why `dir` cannot be replaced by `--out`, or undefined if it can. */
export async function outDirProblem(dir: string, guarded: readonly string[]): Promise<string | undefined> {
  const target = resolve(dir);
  for (const kept of guarded.map((g) => resolve(g))) {
    const inside = relative(target, kept);
    if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside))) {
      return `Refusing to replace ${target} with the assembled flakes: it ${inside === '' ? 'is' : 'contains'} the checkout or the working directory (${kept}). Name a new folder for --out, e.g. --out .verify/flakes.`;
    }
  }
  let stats;
  try {
    stats = await lstat(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return `--out ${target}: ${(error as Error).message}.`;
  }
  if (stats.isSymbolicLink()) return `--out names a symbolic link, ${target}. Name the folder itself, or a new one.`;
  if (!stats.isDirectory()) return `--out names ${target}, which is not a folder. Name a new folder for the assembled flakes.`;
  // Another run may swap the folder away between the two looks: then it is not there to refuse.
  const entries = await readdir(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return unmarkedProblem(target, entries);
}

function unmarkedProblem(target: string, entries: readonly string[]): string | undefined {
  if (entries.length === 0 || entries.includes(OUT_MARKER)) return undefined;
  return `Refusing to replace ${target} with the assembled flakes: it is not empty, and --out did not write it (it has no ${OUT_MARKER} file). Name a new or empty folder for --out, or remove this one yourself.`;
}

/** Temporary and old folders to remove if the process exits before it does. */
const pending = new Set<string>();
let listening = false;

function track(path: string): void {
  if (!listening) {
    process.on('exit', () => {
      for (const p of pending) rmSync(p, { recursive: true, force: true });
    });
    listening = true;
  }
  pending.add(path);
}

/** Writes `trees` (one folder each) into `dir`, replacing what `--out` wrote there before. */
export async function writeOutDir(dir: string, trees: readonly OutTree[], options: OutOptions): Promise<void> {
  const problem = await outDirProblem(dir, options.guarded);
  if (problem) throw new OutDirRefused(problem);
  const target = resolve(dir);
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  // Not mkdtemp: its folders are private (0700), and this one becomes DIR.
  const temporary = join(parent, `.${basename(target)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  await mkdir(temporary);
  track(temporary);
  try {
    await writeFile(join(temporary, OUT_MARKER), MARKER_TEXT);
    const write = options.writeTree ?? writeFlakeTree;
    for (const tree of trees) await write(resolveInside(temporary, tree.name), tree.files);
    const old = swapIntoPlace(temporary, target);
    pending.delete(temporary);
    await Promise.all(
      old.map(async (path) => {
        await rm(path, { recursive: true, force: true });
        pending.delete(path);
      }),
    );
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    pending.delete(temporary);
    throw error;
  }
}

/**
 * Renames `temporary` to `target`; when `target` is there, moves it aside first. Returns
 * the folders moved aside. Synchronous on purpose: see the module comment.
 */
function swapIntoPlace(temporary: string, target: string): string[] {
  const old: string[] = [];
  for (let attempt = 1; ; attempt++) {
    try {
      renameSync(temporary, target);
      return old;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || attempt >= ATTEMPTS) throw error;
    }
    // Taken since it was checked: by another run's tree, or by something else.
    let entries: string[];
    try {
      entries = readdirSync(target);
    } catch {
      continue;
    }
    const problem = unmarkedProblem(target, entries);
    if (problem) throw new OutDirRefused(problem);
    const aside = `${temporary.replace(/\.tmp-([^/]*)$/, '.old-$1')}-${attempt}`;
    try {
      renameSync(target, aside);
      track(aside);
      old.push(aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/** Writes a file through a temporary file next to it, so that it is never seen half written. */
export async function writeFileAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
  track(temporary);
  try {
    await writeFile(temporary, text);
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
    pending.delete(temporary);
  }
}
