import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareVersions, kernelInputs } from '../../scripts/verifier/kernel-modules.ts';
import { installedKernelSources, kernelSourcesNix } from '../../scripts/verifier/kernel-source.ts';

describe('the kernels a package is built against', () => {
  const drv = (inputs: string[]) =>
    `Derive([("out","/nix/store/${'a'.repeat(32)}-m-1","","")],[${inputs.map((i) => `("/nix/store/${'b'.repeat(32)}-${i}.drv",["dev"])`).join(',')}],[],"x86_64-linux","/bin/sh",[],[("name","m-1")])`;

  it('are its direct inputs named as nixpkgs names kernels, in version order', () => {
    expect(kernelInputs(drv(['linux-7.3.4', 'gcc-14.2.0', 'linux-6.12.118']))).toEqual(['6.12.118', '7.3.4']);
  });

  it('are none for a package that takes no kernel (headers and firmware are not kernels)', () => {
    expect(kernelInputs(drv(['linux-headers-6.12', 'linux-firmware-20251111', 'hello-2.12']))).toEqual([]);
  });

  it('orders versions by number, not as text', () => {
    expect(['7.3.4', '6.12.118', '6.9.1', '6.12.9'].sort(compareVersions)).toEqual(['6.9.1', '6.12.9', '6.12.118', '7.3.4']);
  });
});

describe('the installed kernel sources', () => {
  it('are the linux-source-X.Y tarballs of the folder, oldest series first', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kernel-sources-'));
    try {
      for (const name of ['linux-source-7.3.tar.xz', 'linux-source-6.12.tar.xz', 'linux-source-6.9.tar.xz', 'linux-source-6.12.tar.bz2', 'README']) await writeFile(join(dir, name), '');
      expect(installedKernelSources(dir)).toEqual(['linux-source-6.9.tar.xz', 'linux-source-6.12.tar.xz', 'linux-source-7.3.tar.xz'].map((n) => join(dir, n)));
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('are none in a folder that does not exist', () => {
    expect(installedKernelSources('/nonexistent/kernel-sources')).toEqual([]);
  });

  it('are given to the stand-in as a Nix list, one entry per source', () => {
    const source = (version: string) => ({ file: `/usr/src/x-${version}`, name: `linux-source-${version}.tar.xz`, version, hash: 'sha256-AAAA', storePath: '/nix/store/x' });
    const text = kernelSourcesNix([source('6.12.118'), source('7.3.4')]);
    expect(text).toContain('[\n  {\n    name = "linux-source-6.12.118.tar.xz";\n    version = "6.12.118";\n    hash = "sha256-AAAA";\n  }\n  {\n');
    expect(text.trimEnd().endsWith(']')).toBe(true);
  });
});
