/**
 * A cpio archive in the "newc" format, which the Linux kernel unpacks as an initramfs. Pure:
 * entries in, bytes out (gzip it before giving it to QEMU).
 */

export type CpioEntry =
  | { path: string; kind: 'dir' }
  | { path: string; kind: 'file'; data: Uint8Array; executable?: boolean }
  | { path: string; kind: 'symlink'; target: string };

const MODES = { dir: 0o040755, file: 0o100644, executable: 0o100755, symlink: 0o120777 };

/** The archive of `entries`, in order, with its trailer. Paths are relative (`bin/sh`). */
export function newcArchive(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  const add = (path: string, mode: number, body: Uint8Array) => {
    const name = Buffer.from(`${path}\0`);
    const fields = [0x070701, ino++, mode, 0, 0, 1, 0, body.length, 0, 0, 0, 0, name.length, 0];
    const header = Buffer.from(`${fields.map((f, i) => (i === 0 ? '070701' : f.toString(16).padStart(8, '0'))).join('')}`);
    parts.push(header, name, pad(header.length + name.length), Buffer.from(body), pad(body.length));
  };
  for (const entry of entries) {
    const path = entry.path.replace(/^\/+/, '');
    if (entry.kind === 'dir') add(path, MODES.dir, new Uint8Array());
    else if (entry.kind === 'symlink') add(path, MODES.symlink, Buffer.from(entry.target));
    else add(path, entry.executable ? MODES.executable : MODES.file, entry.data);
  }
  add('TRAILER!!!', 0, new Uint8Array());
  return Buffer.concat(parts);
}

/** Zero bytes that bring `length` to a multiple of four. */
function pad(length: number): Buffer {
  return Buffer.alloc((4 - (length % 4)) % 4);
}
