/**
 * The verifier's scratch directory: assembled flakes as plain trees, the wrapper flakes that
 * evaluate them, and stand-alone copies of blocks for the parser. Removed after every run.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { storePathOf } from './nar.ts';
import type { SourceIndex } from './nix-output.ts';
import type { AssembledFile, AssembledFlake } from './types.ts';

const REPORT_NIX = join(import.meta.dirname, 'report.nix');

export interface Workspace {
  dir: string;
  flakeDir(name: string): string;
  index: SourceIndex;
  remove(): Promise<void>;
}

export async function createWorkspace(): Promise<Workspace & { roots: Map<string, AssembledFlake> }> {
  const dir = await mkdtemp(join(tmpdir(), 'nix-verify-'));
  const roots = new Map<string, AssembledFlake>();
  return {
    dir,
    roots,
    index: { roots },
    flakeDir: (name) => join(dir, 'flakes', name),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export function treeOf(flake: AssembledFlake): Map<string, string> {
  return new Map(flake.files.map((f) => [f.path, f.text]));
}

/** Writes a flake's files under `dir`, exactly as assembled. */
export async function writeTree(dir: string, files: readonly AssembledFile[]): Promise<void> {
  for (const file of files) {
    const path = join(dir, file.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.text);
  }
}

/** Writes a flake and registers where Nix will see it: on disk and in the store. */
export async function addFlake(ws: Workspace & { roots: Map<string, AssembledFlake> }, flake: AssembledFlake): Promise<string> {
  const dir = ws.flakeDir(flake.name);
  await writeTree(dir, flake.files);
  ws.roots.set(dir, flake);
  ws.roots.set(storePathOf(treeOf(flake)), flake);
  return dir;
}

/**
 * A flake whose input `target` is the flake under test and whose `report` output is
 * what report.nix computes for it.
 */
export async function writeWrapper(ws: Workspace, name: string, target: string, checksFile: string | undefined): Promise<string> {
  const dir = join(ws.dir, 'wrappers', name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'report.nix'), await readFile(REPORT_NIX));
  if (checksFile) await writeFile(join(dir, 'checks.nix'), await readFile(checksFile));
  const checks = checksFile ? 'import ./checks.nix' : 'null';
  await writeFile(
    join(dir, 'flake.nix'),
    `{
  inputs.target.url = ${JSON.stringify(`path:${target}`)};
  outputs =
    { target, ... }:
    {
      report = import ./report.nix {
        flake = target;
        checks = ${checks};
        system = "x86_64-linux";
      };
    };
}
`,
  );
  return dir;
}
