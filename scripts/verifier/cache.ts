/**
 * A cache of Nix's raw results, keyed on everything that affects them (the caller builds
 * the key: trees, Nix version, nixpkgs identity, the verifier's own code). Paths of the
 * scratch directory are stored as a placeholder, since it changes on every run.
 *
 * The cache only ever saves work: an entry that cannot be read or does not have the shape
 * asked for is a miss, and a cache that cannot be written is one warning, never a failure.
 * Keys are SHA-256 hex digests (`cacheKey`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const PLACEHOLDER = '@VERIFY_WORKSPACE@';

export interface Cache {
  /**
   * The entry for `key`, or undefined for a miss. An entry is a hit only when `isValid`
   * accepts it; without `isValid`, only when it is an object with at least one key.
   */
  get<T>(key: string, isValid?: (value: unknown) => value is T): Promise<T | undefined>;
  /** The entries for many keys at once, as `get` would give each. */
  getAll<T>(keys: readonly string[], isValid?: (value: unknown) => value is T): Promise<(T | undefined)[]>;
  set(key: string, value: unknown): Promise<void>;
  /** Waits for every write, and drops stale entries from the folder. */
  close(): Promise<void>;
}

export function cacheKey(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * Keys for many texts under the same parts: the parts are hashed once, and each text is
 * hashed as it is, without being written into JSON first.
 */
export function textKeys(...parts: unknown[]): (text: string) => string {
  const base = createHash('sha256').update(JSON.stringify(parts)).update('\0');
  return (text) => base.copy().update(text).digest('hex');
}

/** What an entry must at least be when the caller names no shape: a non-empty object. */
export function isNonEmptyObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0;
}

/** The file of a cache folder for Nix's answers: a line per entry, `KEY<TAB>JSON`, appended; the last line of a key wins. */
export const ENTRIES_FILE = 'entries.ndjson';
/** The same, for the blocks extracted from each page (by its text). */
export const PAGES_FILE = 'pages.ndjson';

/**
 * A cache in `dir` (none when `dir` is null), kept in one file: read once, at the first `get`,
 * and appended to in batches (every `set` made while a write is under way goes into the next
 * one). A line cut short by a killed run is a miss. When the file holds more than twice what
 * it keeps, `close` rewrites it with the entries this run used and, up to `keep` entries in
 * all (at least twice this run's), the newest of the rest: a run over one page or one shard
 * does not drop what the others need.
 * `warn` is told once, at the first write that fails (a read-only folder, a full disk); the
 * cache then stops writing for this run.
 */
export function fileCache(dir: string | null, workspace: string, warn: (message: string) => void = warnOnStderr, name = ENTRIES_FILE, keep = 1000): Cache {
  if (!dir) return { get: async () => undefined, getAll: async (keys) => keys.map(() => undefined), set: async () => {}, close: async () => {} };
  const file = join(dir, name);
  let writable = true;
  let loaded: Promise<Map<string, string>> | undefined;
  const entries = () => (loaded ??= readEntries(file));
  const used = new Set<string>();
  let pending: string[] = [];
  let writing: Promise<void> | undefined;

  const failed = (error: unknown) => {
    if (!writable) return;
    writable = false;
    warn(`the cache folder ${dir} cannot be written (${(error as Error).message}), so results are not cached this run.`);
  };
  // One append at a time; what was asked for meanwhile goes into the next.
  const drain = async (): Promise<void> => {
    while (pending.length && writable) {
      const lines = pending.join('');
      pending = [];
      try {
        await mkdir(dir, { recursive: true });
        await appendFile(file, lines);
      } catch (error) {
        failed(error);
      }
    }
    writing = undefined;
  };

  const lookUp = <T>(all: Map<string, string>, key: string, isValid?: (value: unknown) => value is T): T | undefined => {
    const text = all.get(key);
    if (text === undefined) return undefined;
    used.add(key);
    let value: unknown;
    try {
      // In the text, not the parsed value: the workspace as it is spelled inside JSON strings.
      value = JSON.parse(workspace && text.includes(PLACEHOLDER) ? text.replaceAll(PLACEHOLDER, JSON.stringify(workspace).slice(1, -1)) : text);
    } catch {
      return undefined;
    }
    const valid = isValid ?? (isNonEmptyObject as (v: unknown) => v is T);
    return valid(value) ? value : undefined;
  };

  return {
    async get(key, isValid) {
      return lookUp(await entries(), key, isValid);
    },
    async getAll(keys, isValid) {
      const all = await entries();
      return keys.map((key) => lookUp(all, key, isValid));
    },
    async set(key, value) {
      if (!writable) return;
      const json = JSON.stringify(value);
      const text = workspace ? json.replaceAll(JSON.stringify(workspace).slice(1, -1), PLACEHOLDER) : json;
      const all = await entries();
      all.delete(key); // The newest last: see `close`.
      all.set(key, text);
      used.add(key);
      pending.push(`${key}\t${text}\n`);
      writing ??= Promise.resolve().then(drain);
      await writing;
    },
    async close() {
      await writing;
      if (!writable || !loaded) return;
      const all = await loaded;
      const budget = Math.max(keep, 2 * used.size);
      if (all.size <= 2 * budget) return;
      const others = [...all.keys()].filter((key) => !used.has(key));
      const recent = new Set(others.slice(others.length - (budget - used.size)));
      // Written aside, then renamed: a concurrent run never reads half a file.
      const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      const kept = [...all].flatMap(([key, text]) => (used.has(key) || recent.has(key) ? [`${key}\t${text}\n`] : []));
      try {
        await writeFile(temporary, kept.join(''));
        await rename(temporary, file);
      } catch (error) {
        await rm(temporary, { force: true }).catch(() => {});
        failed(error);
      }
    },
  };
}

/** The entries of a cache file by key; none when it cannot be read. Lines that are not entries are skipped. */
async function readEntries(file: string): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return entries;
  }
  let start = 0;
  for (let end = text.indexOf('\n'); end !== -1; start = end + 1, end = text.indexOf('\n', start)) {
    const tab = start + 64;
    if (text[tab] !== '\t' || !/^[0-9a-f]{64}$/.test(text.slice(start, tab))) continue;
    // In the order last written: a key written again moves to the end.
    const key = text.slice(start, tab);
    entries.delete(key);
    entries.set(key, text.slice(tab + 1, end));
  }
  return entries;
}

function warnOnStderr(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}
