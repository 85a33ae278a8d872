/**
 * A cache of Nix's raw results, keyed on everything that affects them (the caller builds
 * the key: trees, Nix version, nixpkgs identity, the verifier's own code). Paths of the
 * scratch directory are stored as a placeholder, since it changes on every run.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const PLACEHOLDER = '@VERIFY_WORKSPACE@';

export interface Cache {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
}

export function cacheKey(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

export function fileCache(dir: string | null, workspace: string): Cache {
  if (!dir) return { get: async () => undefined, set: async () => {} };
  return {
    async get<T>(key: string) {
      const path = join(dir, `${key}.json`);
      if (!existsSync(path)) return undefined;
      try {
        return JSON.parse((await readFile(path, 'utf8')).replaceAll(PLACEHOLDER, workspace)) as T;
      } catch {
        return undefined;
      }
    },
    async set(key, value) {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, `${key}.json`), JSON.stringify(value).replaceAll(workspace, PLACEHOLDER));
    },
  };
}
