/**
 * The result cache: entries that are not what was stored are misses, and a cache that cannot
 * be written is one warning, never a failure.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheKey, textKeys, ENTRIES_FILE, fileCache } from '../../scripts/verifier/cache.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cache-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const WORKSPACE = '/tmp/nix-verify-abc';
const key = cacheKey('a test');
const isAnswer = (v: unknown): v is { error: string | null } =>
  typeof v === 'object' && v !== null && 'error' in v && (typeof v.error === 'string' || v.error === null);

async function entry(text: string) {
  const cacheDir = join(dir, 'cache');
  await mkdir(cacheDir, { recursive: true });
  await writeFile(join(cacheDir, ENTRIES_FILE), `${key}\t${text}\n`);
  return fileCache(cacheDir, WORKSPACE, () => {});
}

const entriesText = () => readFile(join(dir, 'cache', ENTRIES_FILE), 'utf8');

describe('reading an entry', () => {
  it('gives back what was stored, with the workspace in place of the placeholder', async () => {
    const cache = fileCache(join(dir, 'cache'), WORKSPACE, () => {});
    await cache.set(key, { error: `${WORKSPACE}/a.nix:1:1: bad`, [`${WORKSPACE}/b`]: [WORKSPACE] });
    const text = await entriesText();
    expect(text).not.toContain(WORKSPACE);
    const other = fileCache(join(dir, 'cache'), '/tmp/nix-verify-xyz', () => {});
    expect(await other.get(key)).toEqual({ error: '/tmp/nix-verify-xyz/a.nix:1:1: bad', '/tmp/nix-verify-xyz/b': ['/tmp/nix-verify-xyz'] });
  });

  it('keeps a workspace path with quotes and backslashes intact', async () => {
    const odd = '/tmp/a "b\\c/nix-verify-1';
    const cache = fileCache(join(dir, 'cache'), odd, () => {});
    await cache.set(key, { error: `${odd}/x.nix` });
    expect(await entriesText()).toBe(`${key}\t{"error":"@VERIFY_WORKSPACE@/x.nix"}\n`);
    expect(await cache.get(key, isAnswer)).toEqual({ error: `${odd}/x.nix` });
  });

  it('is a miss when there is no entry', async () => {
    expect(await fileCache(join(dir, 'cache'), WORKSPACE).get(key)).toBeUndefined();
  });

  it.each([
    ['null', 'null'],
    ['an empty object', '{}'],
    ['an array', '[1]'],
    ['a number', '42'],
    ['not JSON', 'garbage{'],
    ['half an entry', '{"error":"/tmp/x.nix:1'],
    ['empty', ''],
  ])('is a miss when the entry is %s', async (_, text) => {
    const cache = await entry(text);
    expect(await cache.get(key)).toBeUndefined();
    expect(await cache.get(key, isAnswer)).toBeUndefined();
  });

  it('is a miss when the entry lacks the shape the caller asks for', async () => {
    const cache = await entry('{"eval":{"ok":true}}');
    expect(await cache.get(key, isAnswer)).toBeUndefined();
    expect(await cache.get(key)).toEqual({ eval: { ok: true } });
  });

  it('is a hit when the shape matches', async () => {
    const cache = await entry('{"error":null}');
    expect(await cache.get(key, isAnswer)).toEqual({ error: null });
  });

  it('is a miss when the cache folder is a file', async () => {
    await writeFile(join(dir, 'file'), '');
    expect(await fileCache(join(dir, 'file'), WORKSPACE, () => {}).get(key)).toBeUndefined();
  });
});

describe('writing an entry', () => {
  it('warns once, and does not throw, when the cache folder cannot be created', async () => {
    // As root, a read-only mode does not stop writes; a folder under a file cannot exist.
    await writeFile(join(dir, 'file'), '');
    const warnings: string[] = [];
    const cache = fileCache(join(dir, 'file', 'cache'), WORKSPACE, (m) => warnings.push(m));
    await expect(cache.set(key, { error: null })).resolves.toBeUndefined();
    await expect(cache.set(cacheKey('another'), { error: null })).resolves.toBeUndefined();
    await Promise.all([cache.set(cacheKey('3'), { error: null }), cache.set(cacheKey('4'), { error: null })]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(join(dir, 'file', 'cache'));
    expect(warnings[0]).toMatch(/cannot be written .*ENOTDIR.*not cached/);
    expect(await fileCache(join(dir, 'file', 'cache'), WORKSPACE, () => {}).get(key)).toBeUndefined();
  });

  it('warns once when the entries file cannot be written in an existing folder', async () => {
    // The file's own path is taken by a folder: the append fails after mkdir succeeds.
    await mkdir(join(dir, 'cache', ENTRIES_FILE), { recursive: true });
    const warnings: string[] = [];
    const cache = fileCache(join(dir, 'cache'), WORKSPACE, (m) => warnings.push(m));
    await cache.set(key, { error: null });
    await cache.set(cacheKey('another'), { error: null });
    expect(warnings).toHaveLength(1);
    expect(await readdir(join(dir, 'cache'))).toEqual([ENTRIES_FILE]);
  });

  it('writes many entries made at once in few appends, and a later run reads every one', async () => {
    const cache = fileCache(join(dir, 'cache'), WORKSPACE, () => {});
    const keys = Array.from({ length: 200 }, (_, i) => cacheKey(i));
    await Promise.all(keys.map((k, i) => cache.set(k, { error: `${WORKSPACE}/${i}.nix` })));
    await cache.close();
    const later = fileCache(join(dir, 'cache'), '/tmp/nix-verify-later', () => {});
    const read = await Promise.all(keys.map((k) => later.get(k, isAnswer)));
    expect(read).toEqual(keys.map((_, i) => ({ error: `/tmp/nix-verify-later/${i}.nix` })));
    expect(await readdir(join(dir, 'cache'))).toEqual([ENTRIES_FILE]);
  });

  it('takes the last line of a key, and skips a line cut short by a killed run', async () => {
    await mkdir(join(dir, 'cache'), { recursive: true });
    const other = cacheKey('other');
    await writeFile(join(dir, 'cache', ENTRIES_FILE), `${key}\t{"error":"old"}\n${key}\t{"error":"new"}\nnot an entry\n${other}\t{"error":"cut sh`);
    const cache = fileCache(join(dir, 'cache'), WORKSPACE, () => {});
    expect(await cache.get(key, isAnswer)).toEqual({ error: 'new' });
    expect(await cache.get(other, isAnswer)).toBeUndefined();
  });

  it('drops the oldest entries on close when the file outgrows what it keeps, and keeps what the run used', async () => {
    const old = fileCache(join(dir, 'cache'), WORKSPACE, () => {});
    await old.set(key, { error: 'kept' });
    for (const batch of ['oldest', 'newest']) {
      await Promise.all(Array.from({ length: 150 }, (_, i) => old.set(cacheKey(batch, i), { error: null })));
    }
    await old.close();
    // A small run (one page) over a file of 301 entries that keeps 100: the one key it used,
    // then the 99 newest of the others, in the order they were written.
    const run = fileCache(join(dir, 'cache'), WORKSPACE, () => {}, ENTRIES_FILE, 100);
    expect(await run.get(key, isAnswer)).toEqual({ error: 'kept' });
    await run.close();
    const keys = (await entriesText()).trimEnd().split('\n').map((line) => line.slice(0, 64));
    expect(keys).toEqual([key, ...Array.from({ length: 99 }, (_, i) => cacheKey('newest', 51 + i))]);
  });

  it('leaves a file that holds less than twice what it keeps as it is', async () => {
    const old = fileCache(join(dir, 'cache'), WORKSPACE, () => {});
    await Promise.all(Array.from({ length: 190 }, (_, i) => old.set(cacheKey('other', i), { error: null })));
    await old.set(key, { error: 'kept' });
    await old.close();
    const before = await entriesText();
    const run = fileCache(join(dir, 'cache'), WORKSPACE, () => {}, ENTRIES_FILE, 100);
    expect(await run.get(key, isAnswer)).toEqual({ error: 'kept' });
    await run.close();
    expect(await entriesText()).toBe(before);
  });

  it('lets concurrent writers of one key agree, and leaves no temporary files behind', async () => {
    const a = fileCache(join(dir, 'cache'), WORKSPACE, () => {});
    const b = fileCache(join(dir, 'cache'), '/tmp/nix-verify-other', () => {});
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).set(key, { error: `${i % 2 ? WORKSPACE : '/tmp/nix-verify-other'}/x.nix` })),
    );
    await Promise.all([a.close(), b.close()]);
    expect(await readdir(join(dir, 'cache'))).toEqual([ENTRIES_FILE]);
    expect(await fileCache(join(dir, 'cache'), WORKSPACE, () => {}).get(key, isAnswer)).toEqual({ error: `${WORKSPACE}/x.nix` });
  });

  it('keys texts under the same parts apart, and apart from other parts', () => {
    const parse = textKeys('parse', ['code', '2.8.0']);
    expect(parse('x = 1;')).toBe(textKeys('parse', ['code', '2.8.0'])('x = 1;'));
    expect(parse('x = 1;')).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set([parse('x = 1;'), parse('x = 2;'), textKeys('parse', ['code', '2.9.0'])('x = 1;'), cacheKey('parse', ['code', '2.8.0'], 'x = 1;')]).size).toBe(4);
  });

  it('answers many keys at once as it answers each', async () => {
    const cache = fileCache(join(dir, 'cache'), WORKSPACE, () => {});
    await cache.set(key, { error: `${WORKSPACE}/a.nix` });
    await cache.set(cacheKey('not an answer'), { other: 1 });
    const later = fileCache(join(dir, 'cache'), '/tmp/nix-verify-later', () => {});
    const keys = [key, cacheKey('missing'), cacheKey('not an answer')];
    expect(await later.getAll(keys, isAnswer)).toEqual([{ error: '/tmp/nix-verify-later/a.nix' }, undefined, undefined]);
    expect(await Promise.all(keys.map((k) => later.get(k, isAnswer)))).toEqual(await later.getAll(keys, isAnswer));
    expect(await fileCache(null, WORKSPACE).getAll(keys)).toEqual([undefined, undefined, undefined]);
  });

  it('writes nothing without a cache folder', async () => {
    const cache = fileCache(null, WORKSPACE);
    await cache.set(key, { error: null });
    expect(await cache.get(key)).toBeUndefined();
  });
});

describe('the verifier’s own hash, part of every cache key', async () => {
  const { mkdtemp, mkdir, writeFile, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { verifierHash } = await import('../../scripts/verifier/run.ts');
  it('changes with a file in a subfolder (vm/slimbook-hero.asl), and not with the stand-in, which is hashed on its own', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'verifier-hash-'));
    try {
      await mkdir(join(dir, 'vm'));
      await mkdir(join(dir, 'nixpkgs-standin'));
      await writeFile(join(dir, 'run.ts'), 'export {};\n');
      await writeFile(join(dir, 'vm/table.asl'), 'one\n');
      const before = verifierHash([dir]);
      await writeFile(join(dir, 'nixpkgs-standin/default.nix'), '{ }\n');
      expect(verifierHash([dir])).toBe(before);
      await writeFile(join(dir, 'vm/table.asl'), 'two\n');
      expect(verifierHash([dir])).not.toBe(before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
