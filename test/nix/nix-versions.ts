/**
 * The Nix versions of the test matrix, as scripts/setup-machine.sh installs them: one folder
 * each under /opt/nix-versions (NIX_VERSIONS_DIR), with the `nix` commands in `bin/`. Debian 12's
 * 2.8, which nixpkgs refuses, and the current ones of Debian 13 and sid.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compareVersions } from '../../scripts/verifier/kernel-modules.ts';

export const NIX_VERSIONS_DIR = process.env.NIX_VERSIONS_DIR || '/opt/nix-versions';
/** The oldest Nix the pinned nixpkgs evaluates on (its lib/minver.nix). */
export const MINIMUM_NIX = '2.18';

export interface NixVersion {
  /** The folder's name, e.g. `debian-sid`. */
  label: string;
  /** The folder with its `nix`, to put first on PATH. */
  bin: string;
  /** What `nix --version` says, e.g. `2.34.8`. */
  version: string;
  current: boolean;
}

export function nixVersions(): NixVersion[] {
  const labels = existsSync(NIX_VERSIONS_DIR) ? readdirSync(NIX_VERSIONS_DIR).sort() : [];
  return labels.flatMap((label) => {
    const bin = join(NIX_VERSIONS_DIR, label, 'bin');
    if (!existsSync(join(bin, 'nix'))) return [];
    const line = execFileSync(join(bin, 'nix'), ['--version'], { encoding: 'utf8' });
    const version = /(\d+\.\d+(?:\.\d+)?)\s*$/.exec(line.trim())?.[1] ?? '0';
    return [{ label, bin, version, current: compareVersions(version, MINIMUM_NIX) >= 0 }];
  });
}

/** The environment that makes `nix` this version for the verifier. */
export function withNix(nix: NixVersion): Record<string, string> {
  return { PATH: `${nix.bin}:${process.env.PATH ?? ''}` };
}
