/**
 * Which nixpkgs a run uses, and how it is named in reports. The default is the nixpkgs the
 * flakes pin (what readers get); `--nixpkgs PATH` takes a checkout; `--offline` takes the
 * project's stand-in, which is never called nixpkgs.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describeKernelSource, installedKernelSources, KERNEL_SOURCE_DIR, kernelSourcesNix, type KernelSource } from './kernel-source.ts';
import { compareVersions } from './kernel-modules.ts';
import { narHashSri } from './nar.ts';
import { addFixed, flakeMetadata, invalidPaths, type NixRunner } from './nix.ts';
import { lockedRef, type Locked, type NixpkgsLock } from './nixpkgs-lock.ts';
import type { AssembledFlake, NixpkgsIdentity } from './types.ts';
import { writeTree } from './workspace.ts';

const STANDIN_DIR = resolve(import.meta.dirname, 'nixpkgs-standin');

/**
 * `pinned`: the nixpkgs the flakes pin, at the revision of `lock` when it locks that URL (and
 * `ignoreLock` is not set: `--update-nixpkgs` verifies against the branch's head instead).
 */
export type NixpkgsChoice =
  | { mode: 'pinned'; lock?: NixpkgsLock; ignoreLock?: boolean }
  | { mode: 'path'; path: string }
  | { mode: 'offline' };

export interface ResolvedNixpkgs {
  identity: NixpkgsIdentity;
  /** Flake reference every flake's `nixpkgs` input is overridden with. */
  ref: string;
  /** Said loudly when the run falls back to the stand-in. */
  warning?: string;
  /**
   * Puts `ref` in place for Nix, once, before the first evaluation (the stand-in's tree and
   * its kernel source): a run answered from the cache never needs it. Says what went wrong.
   */
  prepare?: () => Promise<string | undefined>;
  /** The stand-in without a kernel source: why none of its kernels can be built. */
  noKernel?: string;
  /** The oldest Nix it evaluates on, when that is known before evaluating (its lib/minver.nix). */
  minimumNix?: string;
}

/** The `inputs.nixpkgs.url` the flakes pin; they must agree. */
export function pinnedUrl(flakes: readonly AssembledFlake[]): { url?: string; problem?: string } {
  const urls = new Set<string>();
  for (const flake of flakes) {
    const text = flake.files.find((f) => f.path === 'flake.nix')?.text ?? '';
    const url = /nixpkgs\.url\s*=\s*"([^"]+)"/.exec(text)?.[1];
    if (url) urls.add(url);
  }
  if (urls.size > 1) {
    return { problem: `The flakes pin different nixpkgs (${[...urls].map((u) => `\`${u}\``).join(', ')}). Pin one release in all of them.` };
  }
  return urls.size ? { url: [...urls][0]! } : {};
}

/** Where the stand-in is copied, and the kernel sources it builds from. */
export interface StandinPlace {
  workspace: string;
  /**
   * The tarballs, one per kernel series; `undefined` for those installed in /usr/src; `null`
   * for none (its kernels are evaluated, not built).
   */
  kernelSources: readonly string[] | null | undefined;
  cacheDir: string | null;
}

export async function resolveNixpkgs(
  nix: NixRunner,
  choice: NixpkgsChoice,
  pinned: string | undefined,
  ci: boolean,
  place: StandinPlace,
): Promise<ResolvedNixpkgs | { problem: string }> {
  const standin = () => standinIn(nix, place);
  if (choice.mode === 'offline') return standin();
  if (choice.mode === 'path') {
    const path = resolve(choice.path);
    const meta = await flakeMetadata(nix, `path:${path}`);
    if (!meta.ok) return { problem: `--nixpkgs ${choice.path}: Nix cannot read it as a flake:\n${meta.stderr.trim()}` };
    const locked = JSON.parse(meta.stdout) as { locked?: { narHash?: string } };
    const rev = await gitRev(path);
    return {
      identity: { kind: 'path', label: `nixpkgs checkout ${path}${rev ? ` @ ${rev.slice(0, 12)}` : ''}`, path, ...(rev ? { rev } : {}) },
      ref: `path:${path}${locked.locked?.narHash ? `?narHash=${encodeURIComponent(locked.locked.narHash)}` : ''}`,
    };
  }
  if (!pinned) return { problem: 'No flake pins nixpkgs (`inputs.nixpkgs.url = "…";` in a flake.nix), so there is nothing to verify against. Use --nixpkgs PATH or --offline.' };
  // The lock's revision when it locks this URL; the branch's head otherwise.
  const lock = choice.lock?.url === pinned && !choice.ignoreLock ? choice.lock : undefined;
  const meta = await flakeMetadata(nix, lock ? lockedRef(lock.locked) : pinned);
  if (meta.ok) {
    let locked: Locked;
    try {
      // With a lock, what it recorded (Nix may print less of a node it was given locked).
      locked = lock?.locked ?? (JSON.parse(meta.stdout) as { locked: Locked }).locked;
    } catch {
      return { problem: `\`nix flake metadata\` printed something that is not JSON for ${pinned}.` };
    }
    const rev = typeof locked.rev === 'string' ? locked.rev : undefined;
    const narHash = typeof locked.narHash === 'string' ? locked.narHash : undefined;
    const name = `nixpkgs ${pinned.replace(/^github:NixOS\/nixpkgs\//, '')}${rev ? ` @ ${rev.slice(0, 12)}` : ''}`;
    return {
      identity: { kind: 'pinned', label: lock ? `${name} (locked)` : `${name} (head, not locked)`, url: pinned, ...(rev ? { rev } : {}), ...(narHash ? { narHash } : {}), locked, fromLock: !!lock },
      ref: lockedRef(locked),
    };
  }
  const why = meta.stderr.trim().split('\n')[0];
  if (ci) {
    return {
      problem: `nixpkgs (\`${pinned}\`) could not be fetched: ${why}\nIn CI this is an error, so that a run never passes against something else by accident. Give the network access, use --nixpkgs PATH with a checkout, or ask for the stand-in with --offline.`,
    };
  }
  const fallback = await standin();
  if ('problem' in fallback) return fallback;
  return {
    ...fallback,
    warning: `nixpkgs (\`${pinned}\`) could not be fetched (${why}).\nFalling back to the OFFLINE STAND-IN: results are not checked against nixpkgs. Use --offline to ask for this, or --nixpkgs PATH.`,
  };
}

/**
 * The stand-in, copied into the workspace with a `kernel-sources.nix` for Debian's linux-source
 * tarballs, which are then put into the store, so its kernels build without a download.
 * Without a tarball, the stand-in's kernels do not build, and the report says why.
 */
async function standinIn(nix: NixRunner, place: StandinPlace): Promise<ResolvedNixpkgs | { problem: string }> {
  const dir = join(place.workspace, 'nixpkgs-standin');
  const described = await describeKernelSources(place);
  if ('problem' in described) return described;
  const kernels = described.sources;
  // The tree as Nix will see it, hashed in memory; written only when Nix is to read it.
  const tree = new Map<string, string>();
  for (const entry of await readdir(STANDIN_DIR, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const absolute = join(entry.parentPath, entry.name);
    tree.set(absolute.slice(STANDIN_DIR.length + 1), await readFile(absolute, 'utf8'));
  }
  if (kernels.length) tree.set('kernel-sources.nix', kernelSourcesNix(kernels));
  const hash = narHashSri(tree);
  const prepare = async () => {
    for (const kernel of kernels) {
      const stored = await storeKernelSource(nix, kernel);
      if (stored) return stored;
    }
    await writeTree(
      dir,
      [...tree].map(([path, text]) => ({ path, text, origins: [] })),
    );
    return undefined;
  };
  const versions = kernels.map((k) => `Linux ${k.version}`);
  return {
    identity: {
      kind: 'standin',
      label: `offline stand-in ${hash.slice(7, 15)} (not nixpkgs)`,
      version: hash,
      kernel: versions.length ? `${versions.join(' and ')} (Debian ${versions.length > 1 ? 'sources' : 'source'}, NixOS-like configuration)` : null,
    },
    ref: `path:${dir}`,
    prepare,
    ...minimumNixOf(tree.get('lib/minver.nix')),
    ...(described.noKernel ? { noKernel: described.noKernel } : {}),
  };
}

/**
 * The kernel sources of a stand-in run, one per series, oldest first. Sources given by name
 * must all be usable; with none given, those installed in /usr/src are used, and having none
 * is `noKernel`.
 */
async function describeKernelSources(place: StandinPlace): Promise<{ sources: KernelSource[]; noKernel?: string } | { problem: string }> {
  if (place.kernelSources === null) return { sources: [], noKernel: 'none was given (--kernel-source none).' };
  const files = place.kernelSources ?? installedKernelSources();
  if (files.length === 0) {
    return { sources: [], noKernel: `there is no linux-source tarball in ${KERNEL_SOURCE_DIR}. On Debian, \`apt-get install linux-source-6.12\` installs Linux 6.12's; scripts/setup-machine.sh installs it and the newest in Debian's archive.` };
  }
  const sources: KernelSource[] = [];
  // One at a time: each description is remembered in one file beside the cache.
  for (const file of files) {
    const source = await describeKernelSource(file, place.cacheDir);
    if ('problem' in source) return { problem: `The kernel source: ${source.problem}` };
    const series = (version: string) => version.split('.').slice(0, 2).join('.');
    const same = sources.find((s) => series(s.version) === series(source.version));
    if (same) return { problem: `The kernel sources ${same.file} and ${file} are both Linux ${series(source.version)}: give one source per kernel series.` };
    sources.push(source);
  }
  return { sources: sources.sort((a, b) => compareVersions(a.version, b.version)) };
}

/** The version a `lib/minver.nix` holds (`"2.18"`). Pure. */
function minimumNixOf(minver: string | undefined): { minimumNix?: string } {
  const version = minver && /^"([\d.]+)"/m.exec(minver)?.[1];
  return version ? { minimumNix: version } : {};
}

/** Puts the tarball into the store where the stand-in's fixed-output source expects it. */
async function storeKernelSource(nix: NixRunner, source: KernelSource): Promise<string | undefined> {
  const check = await invalidPaths(nix, [source.storePath]);
  if (check.fault) return `Nix could not check the store for ${source.storePath}: ${check.fault}`;
  if (!check.invalid.has(source.storePath)) return undefined;
  const added = await addFixed(nix, source.file, 'flat');
  if (!added.ok) return `Nix could not add ${source.file} to the store:\n${(added.fault ?? added.stderr).trim()}`;
  if (added.stdout.trim() !== source.storePath) return `Nix stored ${source.file} at ${added.stdout.trim()}, not at ${source.storePath}.`;
  return undefined;
}

async function gitRev(path: string): Promise<string | undefined> {
  try {
    const head = (await readFile(join(path, '.git', 'HEAD'), 'utf8')).trim();
    if (!head.startsWith('ref: ')) return head;
    return (await readFile(join(path, '.git', head.slice(5)), 'utf8')).trim();
  } catch {
    return undefined;
  }
}
