/**
 * Debian's linux-source tarballs, which the offline stand-in builds its kernels from: where
 * they are, which Linux each holds, and its hash, so that the stand-in can name it as a
 * fixed-output source and the store can hold it without a download.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fixedOutputPath } from './nar.ts';
import { spawnProcess } from './nix.ts';

/** Where Debian's `linux-source-X.Y` packages install their tarballs. */
export const KERNEL_SOURCE_DIR = '/usr/src';

/**
 * The default kernel sources: every `linux-source-X.Y.tar.xz` in `dir`, oldest first
 * (scripts/setup-machine.sh installs Linux 6.12's and the newest in Debian's archive).
 */
export function installedKernelSources(dir = KERNEL_SOURCE_DIR): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const series = (name: string) => name.match(/\d+/g)!.map(Number);
  return names
    .filter((name) => /^linux-source-\d+\.\d+\.tar\.xz$/.test(name))
    .sort((a, b) => {
      const [x, y] = [series(a), series(b)];
      return x[0]! - y[0]! || x[1]! - y[1]!;
    })
    .map((name) => join(dir, name));
}

export interface KernelSource {
  file: string;
  /** The file's name, which is also its store name. */
  name: string;
  /** `VERSION.PATCHLEVEL.SUBLEVEL` from its Makefile, e.g. `6.12.117`. */
  version: string;
  /** SRI SHA-256 of the file. */
  hash: string;
  /** Where the store keeps it, as a fixed-output (flat) path. */
  storePath: string;
}

/** The kernel version a top-level Makefile declares. Pure. */
export function makefileVersion(makefile: string): string | undefined {
  const get = (key: string) => new RegExp(`^${key}[ \\t]*=[ \\t]*(\\S*)`, 'm').exec(makefile)?.[1];
  const [v, p, s] = [get('VERSION'), get('PATCHLEVEL'), get('SUBLEVEL')];
  if (!v || !p || s === undefined) return undefined;
  return `${v}.${p}.${s || '0'}${get('EXTRAVERSION') ?? ''}`;
}

/**
 * Describes the tarball, reading and hashing it only when it changed since the last run
 * (the answer is kept beside `cacheDir`, or in the temporary folder with --no-cache, keyed on
 * its path, size and time: it says what a local file holds, never what Nix decided).
 */
export async function describeKernelSource(file: string, cacheDir: string | null): Promise<KernelSource | { problem: string }> {
  if (!existsSync(file)) return { problem: `${file} does not exist. On Debian, \`apt-get install linux-source-6.12\` installs Linux 6.12's (scripts/setup-machine.sh does).` };
  const info = await stat(file);
  // Beside the results cache, not in it: it outlives a cleared cache, as the file it describes does.
  const memo = join(cacheDir ? dirname(cacheDir) : tmpdir(), 'nix-verify-kernel-source.json');
  const key = `${file}:${info.size}:${info.mtimeMs}`;
  const memos = await readFile(memo, 'utf8').then((t) => JSON.parse(t) as Record<string, KernelSource>, () => ({}) as Record<string, KernelSource>);
  const hit = memos[key];
  if (hit?.storePath) return hit;
  const name = basename(file);
  const top = name.replace(/\.tar\.\w+$/, '');
  // Through spawnProcess, so an interrupt stops tar (and its xz) with the Nix calls.
  // --occurrence=1: stop at the Makefile (near the start) instead of reading all 150 MB.
  const extracted = await spawnProcess(['tar', '--occurrence=1', '-xJOf', file, `${top}/Makefile`], { timeoutMs: 300_000 });
  const makefile = extracted.ok ? extracted.stdout : '';
  const version = makefileVersion(makefile);
  if (!version) return { problem: `${file} has no \`${top}/Makefile\` with a kernel version: it is not a linux-source tarball.` };
  const digest = createHash('sha256');
  for await (const chunk of createReadStream(file)) digest.update(chunk as Buffer);
  const sha256 = digest.digest();
  const source: KernelSource = { file, name, version, hash: `sha256-${sha256.toString('base64')}`, storePath: fixedOutputPath('flat', sha256, name) };
  await mkdir(dirname(memo), { recursive: true }).catch(() => {});
  // Entries of files that are gone are dropped. (Callers describe one file at a time.)
  const kept = Object.fromEntries(Object.entries(memos).filter(([k]) => existsSync(k.slice(0, k.indexOf(':')))));
  await writeFile(memo, JSON.stringify({ ...kept, [key]: source })).catch(() => {});
  return source;
}

/** The stand-in's `kernel-sources.nix`: one entry per kernel series, oldest first. Pure. */
export function kernelSourcesNix(sources: readonly KernelSource[]): string {
  const entries = sources.map(
    (source) => `  {
    name = ${JSON.stringify(source.name)};
    version = ${JSON.stringify(source.version)};
    hash = ${JSON.stringify(source.hash)};
  }
`,
  );
  return `# Written by the verifier: Debian's linux-source tarballs, which the stand-in's kernels build from.
[
${entries.join('')}]
`;
}
