import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveInside } from '../../scripts/verifier/paths.ts';
import { writeTree } from '../../scripts/verifier/workspace.ts';

describe('resolveInside', () => {
  it('resolves paths inside the root', () => {
    expect(resolveInside('/w/flakes/simple', 'pkgs/a.nix')).toBe('/w/flakes/simple/pkgs/a.nix');
    expect(resolveInside('/w/flakes/simple', '..a.nix')).toBe('/w/flakes/simple/..a.nix');
  });

  it.each(['../x.nix', 'a/../../x.nix', '/etc/passwd', '.', '', 'a\0b'])('throws for %j', (path) => {
    expect(() => resolveInside('/w/flakes/simple', path)).toThrow(/^Refusing to write `.*`: it resolves to .*, outside \/w\/flakes\/simple\.$/);
  });
});

describe('writeTree', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes nothing when one path would leave the folder', async () => {
    dir = await mkdtemp(join(tmpdir(), 'write-tree-'));
    const files = [
      { path: 'ok.nix', text: '1\n', origins: [] },
      { path: '../escaped.nix', text: '2\n', origins: [] },
    ];
    await expect(writeTree(join(dir, 'flake'), files)).rejects.toThrow(/Refusing to write `\.\.\/escaped\.nix`/);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('the default memory cap', async () => {
  const { defaultMemoryLimitMiB } = await import('../../scripts/verify.ts');
  it('leaves a quarter of the machine free, however many jobs run', () => {
    const total = 24 * 2 ** 30;
    for (const jobs of [1, 2, 8]) expect(jobs * defaultMemoryLimitMiB(jobs, total)).toBeLessThanOrEqual(0.75 * 24 * 1024);
    expect(defaultMemoryLimitMiB(2, total)).toBe(9216);
  });
});
