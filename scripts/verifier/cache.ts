/**
 * A cache of Nix's raw results, keyed on everything that affects them (the caller builds
 * the key: trees, Nix version, nixpkgs identity, the verifier's own code). Paths of the
 * scratch directory are stored as a placeholder, since it changes on every run.
 *
 * The cache only ever saves work: an entry that cannot be read or does not have the shape
 * asked for is a miss, and a cache that cannot be written is one warning, never a failure.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const PLACEHOLDER = '@VERIFY_WORKSPACE@';

export interface Cache {
  /**
   * The entry for `key`, or undefined for a miss. An entry is a hit only when `isValid`
   * accepts it; without `isValid`, only when it is an object with at least one key.
   */
  get<T>(key: string, isValid?: (value: unknown) => value is T): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
}

export function cacheKey(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** What an entry must at least be when the caller names no shape: a non-empty object. */
export function isNonEmptyObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0;
}

/** Every string and key in a JSON value, with `from` replaced by `to`. Pure. */
export function replaceInStrings(value: unknown, from: string, to: string): unknown {
  if (from === '') return value;
  if (typeof value === 'string') return value.replaceAll(from, to);
  if (Array.isArray(value)) return value.map((v) => replaceInStrings(v, from, to));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replaceAll(from, to), replaceInStrings(v, from, to)]));
  }
  return value;
}

/**
 * A cache in `dir` (none when `dir` is null). `warn` is told once, at the first write that
 * fails (a read-only folder, a full disk); the cache then stops writing for this run.
 */
export function fileCache(dir: string | null, workspace: string, warn: (message: string) => void = warnOnStderr): Cache {
  if (!dir) return { get: async () => undefined, set: async () => {} };
  let writable = true;
  return {
    async get<T>(key: string, isValid?: (value: unknown) => value is T): Promise<T | undefined> {
      let text: string;
      try {
        text = await readFile(join(dir, `${key}.json`), 'utf8');
      } catch {
        return undefined;
      }
      let value: unknown;
      try {
        value = replaceInStrings(JSON.parse(text), PLACEHOLDER, workspace);
      } catch {
        return undefined;
      }
      const valid = isValid ?? (isNonEmptyObject as (v: unknown) => v is T);
      return valid(value) ? value : undefined;
    },
    async set(key, value) {
      if (!writable) return;
      const path = join(dir, `${key}.json`);
      // Written aside, then renamed: a concurrent run never reads half an entry.
      const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        await mkdir(dir, { recursive: true });
        await writeFile(temporary, JSON.stringify(replaceInStrings(value, workspace, PLACEHOLDER)));
        await rename(temporary, path);
      } catch (error) {
        await rm(temporary, { force: true }).catch(() => {});
        if (!writable) return;
        writable = false;
        warn(`the cache folder ${dir} cannot be written (${(error as Error).message}), so results are not cached this run.`);
      }
    },
  };
}

function warnOnStderr(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}
