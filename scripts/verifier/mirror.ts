/**
 * A source mirror: upstream trees as tarballs (`OWNER-REPO-REV.tar.gz`, one top folder
 * `source/`), for fetching without a network. The verifier hashes a mirrored tree itself and
 * hands it to Nix only when the hash is the one the page declares; Nix then computes the
 * store path from the contents again, so nothing is trusted on its name.
 */
import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { x as untar } from 'tar';
import { narHashOfNode, type NarNode } from './nar.ts';

/** What a page's `fetchFromGitHub` names; the verifier looks it up in the mirror. */
export interface GitHubSource {
  owner: string;
  repo: string;
  rev: string;
}

/** Owner and repository names as GitHub allows them; a rev is a commit or a plain tag. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const REV = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

/** The mirror's file for a source, or why there can be none. Pure. */
export function mirrorFileName(source: GitHubSource): { file: string } | { problem: string } {
  const rev = source.rev.replace(/^refs\/tags\//, '');
  for (const [what, value, pattern] of [
    ['owner', source.owner, NAME],
    ['repo', source.repo, NAME],
    ['rev', rev, REV],
  ] as const) {
    if (!pattern.test(value) || value.includes('..')) return { problem: `The ${what} \`${value}\` is not a name a mirror can hold.` };
  }
  return { file: `${source.owner}-${source.repo}-${rev}.tar.gz` };
}

/** The mirrored tarball of `source` in `dir`, if there is one. */
export function findInMirror(dir: string, source: GitHubSource): string | undefined {
  const name = mirrorFileName(source);
  if (!('file' in name)) return undefined;
  const path = join(dir, name.file);
  return existsSync(path) ? path : undefined;
}

/**
 * Unpacks a mirrored tarball under `into` and returns its one top folder. node-tar refuses
 * absolute paths and `..` entries, so nothing lands outside `into`.
 */
export async function unpackMirrored(file: string, into: string): Promise<string> {
  await mkdir(into, { recursive: true });
  await untar({ file, cwd: into, strict: true, preserveOwner: false });
  const top = await readdir(into);
  if (top.length !== 1 || !(await lstat(join(into, top[0]!))).isDirectory()) {
    throw new Error(`${file} must hold exactly one top folder (\`source/\`); it holds ${top.map((t) => `\`${t}\``).join(', ') || 'nothing'}.`);
  }
  return join(into, top[0]!);
}

/** The NAR hash of a tree on disk, as `nix hash path` computes it. */
export async function narHashOfPath(path: string): Promise<Buffer> {
  return narHashOfNode(await readNode(path));
}

async function readNode(path: string): Promise<NarNode> {
  const stat = await lstat(path);
  if (stat.isSymbolicLink()) return { symlink: await readlink(path) };
  if (stat.isFile()) return { contents: await readFile(path), executable: (stat.mode & 0o100) !== 0 };
  if (!stat.isDirectory()) throw new Error(`${path}: not a file, directory or symlink`);
  const entries = new Map<string, NarNode>();
  for (const name of await readdir(path)) entries.set(name, await readNode(join(path, name)));
  return { entries };
}
