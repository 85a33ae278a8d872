/**
 * The verifier's scratch directory: assembled flakes as plain trees, the wrapper flakes that
 * evaluate them, and stand-alone copies of blocks for the parser. Removed after every run.
 */
import { accessSync, constants, mkdirSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { narHash, storePathForNarHash, storePathOf } from './nar.ts';
import { resolveInside } from './paths.ts';
import type { SourceIndex } from './nix-output.ts';
import type { AssembledFile, AssembledFlake } from './types.ts';

const REPORT_NIX = join(import.meta.dirname, 'report.nix');
/** report.nix, read once. */
let reportNix: Promise<string> | undefined;

export interface Workspace {
  dir: string;
  flakeDir(name: string): string;
  index: SourceIndex;
  remove(): Promise<void>;
}

/** Scratch directories not yet removed, for `removeWorkspacesSync` on an interrupt. */
const live = new Set<string>();

/** Thrown when the temporary folder cannot hold a scratch directory; its message says what to do. */
export class TemporaryFolderProblem extends Error {
  override name = 'TemporaryFolderProblem';
}

/**
 * Nix takes flakes by URL (`path:/…`), and Nix 2.8 reads those without decoding escapes, so
 * a scratch folder whose path has a space or `#` could not be named to it. Such a TMPDIR is
 * passed over for /tmp. A RAM disk, when there is one to use (see `ramDisk`), comes first. Pure.
 */
export function scratchParent(temporary: string, ramDisk?: string): string {
  if (ramDisk) return ramDisk;
  return /^[A-Za-z0-9/._~+-]+$/.test(temporary) ? temporary : '/tmp';
}

/** Free space a RAM disk needs to be used for scratch files (a container's /dev/shm may have 64 MiB). */
const RAM_DISK_MIN_FREE = 512 * 1024 * 1024;

/**
 * A RAM-backed folder for scratch files when TMPDIR is not set: Linux's /dev/shm, if it is a
 * folder this user can write with room to spare. Creating the thousands of small files a large
 * guide needs is many times faster there than on a disk's file system.
 */
function ramDisk(): string | undefined {
  if (process.env.TMPDIR) return undefined;
  try {
    accessSync('/dev/shm', constants.W_OK | constants.X_OK);
    if (!statSync('/dev/shm').isDirectory()) return undefined;
    const { bavail, bsize } = statfsSync('/dev/shm');
    return bavail * bsize >= RAM_DISK_MIN_FREE ? '/dev/shm' : undefined;
  } catch {
    return undefined;
  }
}

export async function createWorkspace(): Promise<Workspace & { roots: Map<string, AssembledFlake> }> {
  const parent = scratchParent(tmpdir(), ramDisk());
  let dir: string;
  try {
    dir = await mkdtemp(join(parent, 'nix-verify-'));
  } catch (error) {
    throw new TemporaryFolderProblem(temporaryFolderProblem(parent, process.env.TMPDIR, error as NodeJS.ErrnoException));
  }
  live.add(dir);
  const roots = new Map<string, AssembledFlake>();
  return {
    dir,
    roots,
    index: { roots },
    flakeDir: (name) => join(dir, 'flakes', name),
    remove: async () => {
      await rm(dir, { recursive: true, force: true, maxRetries: 3 });
      live.delete(dir);
    },
  };
}

/** What an error from making a folder in the temporary folder says about that folder. */
const TEMPORARY_FOLDER_FAULTS: Partial<Record<string, string>> = {
  ENOENT: 'it does not exist',
  ENOTDIR: 'it is not a folder',
  ENOSPC: 'it is full',
  EDQUOT: 'it is full',
  EACCES: 'it cannot be written',
  EPERM: 'it cannot be written',
  EROFS: 'it cannot be written',
};

/** Why a scratch directory could not be made in `parent` (TMPDIR is `setting`), and what to do. Pure. */
export function temporaryFolderProblem(
  parent: string,
  setting: string | undefined,
  error: Pick<NodeJS.ErrnoException, 'code' | 'message'>,
): string {
  const why = TEMPORARY_FOLDER_FAULTS[error.code ?? ''] ?? error.message;
  const place = setting ? `TMPDIR (\`${setting}\`)` : `The temporary folder ${parent} (TMPDIR is not set)`;
  return `${place} cannot hold the verifier's scratch folder: ${why}. Set TMPDIR to a folder that exists, can be written and has space, and run again.`;
}

/**
 * Removes every scratch directory still there; for signal handlers and the exit, which cannot
 * wait. Never throws: a folder that cannot be removed is named on stderr.
 */
export function removeWorkspacesSync(): void {
  for (const dir of live) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch (error) {
      process.stderr.write(`warning: could not remove the scratch folder ${dir}: ${(error as Error).message}\n`);
    }
  }
  live.clear();
}

export function treeOf(flake: AssembledFlake): Map<string, string> {
  return new Map(flake.files.map((f) => [f.path, f.text]));
}

/**
 * Writes a flake's files under `dir`, exactly as assembled. Throws for a path that would leave
 * `dir`. Every path is checked before anything is written; then the folders, then the files.
 * Synchronously: for thousands of small files, a few system calls each in a row are several
 * times faster than as many queued on libuv's thread pool.
 */
export async function writeTree(dir: string, files: readonly AssembledFile[]): Promise<void> {
  const paths = files.map((file) => resolveInside(dir, file.path));
  for (const folder of new Set(paths.map((p) => dirname(p)))) mkdirSync(folder, { recursive: true });
  files.forEach((file, i) => writeFileSync(paths[i]!, file.text));
}

/**
 * Registers where Nix will see a flake: its directory and its store path. Returns the
 * directory and the tree's NAR hash (SRI), which keys its cached results. Nothing is written:
 * the caller writes the tree (`writeTree`) only when Nix is to read it, so a run answered
 * from the cache writes nothing.
 */
export function addFlake(ws: Workspace & { roots: Map<string, AssembledFlake> }, flake: AssembledFlake): { dir: string; hash: string } {
  const dir = ws.flakeDir(flake.name);
  const hash = narHash(treeOf(flake));
  ws.roots.set(dir, flake);
  ws.roots.set(storePathForNarHash(hash), flake);
  return { dir, hash: `sha256-${hash.toString('base64')}` };
}

/**
 * A flake whose input `target` is to be overridden with the flake under test, and whose
 * `report` output is what report.nix computes for it. Returns its directory and its store path.
 */
export async function writeWrapper(ws: Workspace, name: string, checks: { source: string; text: string } | null): Promise<{ dir: string; storePath: string }> {
  const dir = join(ws.dir, 'wrappers', name);
  const files = new Map<string, string>([
    ['report.nix', await (reportNix ??= readFile(REPORT_NIX, 'utf8'))],
    ['flake.nix', wrapperFlake(checks?.source ?? null)],
  ]);
  if (checks) files.set('checks.nix', checks.text);
  await writeTree(
    dir,
    [...files].map(([path, text]) => ({ path, text, origins: [] })),
  );
  return { dir, storePath: storePathOf(files) };
}

/**
 * The wrapper names no real target: every evaluation overrides `target` with the flake under
 * test. So its text, and its store path, are the same in every run (Nix adds it to the store
 * once), and a wrapper evaluated without the override fails, naming a path that is not there.
 * It names its checks file, so that two checks files with the same text are two store paths,
 * each mapped back to its own file.
 */
function wrapperFlake(checksSource: string | null): string {
  const withChecks = checksSource !== null;
  return `# The verifier's wrapper${withChecks ? ` (checks: ${JSON.stringify(checksSource)})` : ''}.
{
  inputs.target.url = "path:/nix-verify-target-not-overridden";
  outputs =
    { target, ... }:
    {
      report = import ./report.nix {
        flake = target;
        checks = ${withChecks ? 'import ./checks.nix' : 'null'};
        system = "x86_64-linux";
      };
    };
}
`;
}
