/**
 * The nixpkgs lock: the revision the guide was last verified against, recorded in the
 * repository (`nixpkgs.lock.json`) like a flake.lock node, so every run, and every download,
 * uses exactly that revision. `npm run verify -- --update-nixpkgs` moves it, after verifying
 * against the new revision. Pure, but for reading and writing the file.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomically } from './out-dir.ts';

/** A flake.lock node's `locked`: what Nix prints as `locked` in `nix flake metadata --json`. */
export type Locked = Record<string, string | number | boolean>;

export interface NixpkgsLock {
  /** The `inputs.nixpkgs.url` the flakes pin (the moving branch). */
  url: string;
  locked: Locked;
}

export const LOCK_FILE = 'nixpkgs.lock.json';

export async function readLock(path: string): Promise<NixpkgsLock | undefined | { problem: string }> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const data = JSON.parse(text) as Partial<NixpkgsLock>;
    if (typeof data.url !== 'string' || typeof data.locked !== 'object' || data.locked === null || typeof data.locked.type !== 'string') throw new Error('it needs `url` and `locked.type`');
    return { url: data.url, locked: data.locked };
  } catch (error) {
    return { problem: `${path} is not a nixpkgs lock: ${(error as Error).message}.` };
  }
}

export async function writeLock(path: string, lock: NixpkgsLock): Promise<void> {
  await writeFileAtomically(path, `${JSON.stringify({ url: lock.url, locked: lock.locked }, null, 2)}\n`);
}

/** The flake reference of a locked node: `github:owner/repo/rev?narHash=…`, `path:/dir?narHash=…`. */
export function lockedRef(locked: Locked): string {
  const query = locked.narHash ? `?narHash=${encodeURIComponent(String(locked.narHash))}` : '';
  if (locked.type === 'github') return `github:${locked.owner}/${locked.repo}/${locked.rev}${query}`;
  if (locked.type === 'path') return `path:${locked.path}${query}`;
  if (locked.type === 'git') return `git+${locked.url}?rev=${locked.rev}${locked.narHash ? `&narHash=${encodeURIComponent(String(locked.narHash))}` : ''}`;
  if (locked.type === 'tarball') return `${locked.url}${query}`;
  throw new Error(`a nixpkgs lock of type \`${locked.type}\` is not supported`);
}

/** The `original` of a flake.lock node, from the URL the flake pins. */
function original(url: string): Locked {
  const github = /^github:([^/]+)\/([^/?]+)(?:\/([^?]+))?/.exec(url);
  if (github) return { type: 'github', owner: github[1]!, repo: github[2]!, ...(github[3] ? { ref: github[3] } : {}) };
  if (url.startsWith('path:')) return { type: 'path', path: url.slice('path:'.length) };
  return { type: 'indirect', id: 'nixpkgs' };
}

/**
 * A flake.lock for an assembled flake whose only locked input is nixpkgs: what a reader who
 * downloads it gets, so they evaluate exactly the revision that was verified. Other inputs
 * (a NUR repository of the reader's own) are locked by Nix on first use.
 */
export function flakeLock(lock: NixpkgsLock): string {
  const data = {
    nodes: {
      nixpkgs: { locked: lock.locked, original: original(lock.url) },
      root: { inputs: { nixpkgs: 'nixpkgs' } },
    },
    root: 'root',
    version: 7,
  };
  return `${JSON.stringify(data, null, 2)}\n`;
}
