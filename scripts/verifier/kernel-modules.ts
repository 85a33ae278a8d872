/**
 * What a built module package installed: every `.ko` under `lib/modules/`, with the
 * `vermagic` that `modinfo` would print (read from the ELF `.modinfo` section).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

export interface InstalledModule {
  /** Path inside the package, e.g. `lib/modules/6.12.117/extra/qc71_laptop.ko`. */
  path: string;
  /** `6.12.117 SMP preempt mod_unload`, or null when the file has none. */
  vermagic: string | null;
}

/** Reads the `vermagic=` entry of a kernel module's `.modinfo` section. Pure. */
export function vermagicOf(elf: Uint8Array): string | null {
  const data = Buffer.from(elf.buffer, elf.byteOffset, elf.byteLength);
  // ELF64, little-endian: what x86-64 and aarch64 modules are.
  if (data.length < 64 || data.readUInt32BE(0) !== 0x7f454c46 || data[4] !== 2 || data[5] !== 1) return null;
  const shoff = Number(data.readBigUInt64LE(0x28));
  const shentsize = data.readUInt16LE(0x3a);
  const shnum = data.readUInt16LE(0x3c);
  const shstrndx = data.readUInt16LE(0x3e);
  const section = (i: number) => {
    const at = shoff + i * shentsize;
    return { name: data.readUInt32LE(at), offset: Number(data.readBigUInt64LE(at + 0x18)), size: Number(data.readBigUInt64LE(at + 0x20)) };
  };
  if (shoff + shnum * shentsize > data.length || shstrndx >= shnum) return null;
  const names = section(shstrndx);
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    const nameEnd = data.indexOf(0, names.offset + s.name);
    if (data.toString('latin1', names.offset + s.name, nameEnd) !== '.modinfo') continue;
    const entries = data.toString('utf8', s.offset, s.offset + s.size).split('\0');
    const entry = entries.find((e) => e.startsWith('vermagic='));
    return entry ? entry.slice('vermagic='.length).trim() : null;
  }
  return null;
}

/** Every kernel module a package installed under `lib/modules/`. */
export async function installedModules(outPath: string): Promise<InstalledModule[]> {
  const root = join(outPath, 'lib/modules');
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  const modules: InstalledModule[] = [];
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith('.ko')) continue;
    const path = join(entry.parentPath, entry.name);
    modules.push({ path: relative(outPath, path), vermagic: vermagicOf(await readFile(path)) });
  }
  return modules.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * The kernel versions a derivation is built against: its direct inputs named as nixpkgs names
 * its kernels, `linux-<version>.drv` (a module package takes the kernel's `dev` output). Read
 * from the derivation's ATerm text. Pure.
 */
export function kernelInputs(aterm: string): string[] {
  const versions = [...aterm.matchAll(/"\/nix\/store\/[0-9a-z]{32}-linux-(\d+\.\d+[\w.+-]*)\.drv"/g)].map((m) => m[1]!);
  return [...new Set(versions)].sort(compareVersions);
}

/** Orders dotted versions by their numbers: 6.12.118 before 7.3.4. Pure. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [a.split('.').map((n) => parseInt(n, 10) || 0), b.split('.').map((n) => parseInt(n, 10) || 0)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d) return d;
  }
  return 0;
}
