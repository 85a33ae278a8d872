/**
 * Which nixpkgs a run uses, and how it is named in reports. The default is the nixpkgs the
 * flakes pin (what readers get); `--nixpkgs PATH` takes a checkout; `--offline` takes the
 * project's stand-in, which is never called nixpkgs.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { narHashSri } from './nar.ts';
import { flakeMetadata, type NixRunner } from './nix.ts';
import type { AssembledFlake, NixpkgsIdentity } from './types.ts';

const STANDIN_DIR = resolve(import.meta.dirname, 'nixpkgs-standin');

export type NixpkgsChoice = { mode: 'pinned' } | { mode: 'path'; path: string } | { mode: 'offline' };

export interface ResolvedNixpkgs {
  identity: NixpkgsIdentity;
  /** Flake reference every flake's `nixpkgs` input is overridden with. */
  ref: string;
  /** Said loudly when the run falls back to the stand-in. */
  warning?: string;
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

export async function resolveNixpkgs(
  nix: NixRunner,
  choice: NixpkgsChoice,
  pinned: string | undefined,
  ci: boolean,
): Promise<ResolvedNixpkgs | { problem: string }> {
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
  const meta = await flakeMetadata(nix, pinned);
  if (meta.ok) {
    const data = JSON.parse(meta.stdout) as { locked: { rev?: string; narHash?: string; owner?: string; repo?: string; type?: string } };
    const { rev, narHash } = data.locked;
    const lockedRef = rev && data.locked.type === 'github' ? `github:${data.locked.owner}/${data.locked.repo}/${rev}` : pinned;
    return {
      identity: { kind: 'pinned', label: `nixpkgs ${pinned.replace(/^github:NixOS\/nixpkgs\//, '')}${rev ? ` @ ${rev.slice(0, 12)}` : ''}`, url: pinned, ...(rev ? { rev } : {}), ...(narHash ? { narHash } : {}) },
      ref: lockedRef,
    };
  }
  const why = meta.stderr.trim().split('\n')[0];
  if (ci) {
    return {
      problem: `nixpkgs (\`${pinned}\`) could not be fetched: ${why}\nIn CI this is an error, so that a run never passes against something else by accident. Give the network access, use --nixpkgs PATH with a checkout, or ask for the stand-in with --offline.`,
    };
  }
  const fallback = await standin();
  return {
    ...fallback,
    warning: `nixpkgs (\`${pinned}\`) could not be fetched (${why}).\nFalling back to the OFFLINE STAND-IN: results are not checked against nixpkgs. Use --offline to ask for this, or --nixpkgs PATH.`,
  };
}

async function standin(): Promise<ResolvedNixpkgs> {
  const tree = new Map<string, string>();
  const entries = await readdir(STANDIN_DIR, { withFileTypes: true, recursive: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const absolute = join(entry.parentPath, entry.name);
    tree.set(absolute.slice(STANDIN_DIR.length + 1), await readFile(absolute, 'utf8'));
  }
  const hash = narHashSri(tree);
  return {
    identity: { kind: 'standin', label: `offline stand-in ${hash.slice(7, 15)} (not nixpkgs)`, version: hash },
    ref: `path:${STANDIN_DIR}`,
  };
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
