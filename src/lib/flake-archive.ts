/**
 * A gzipped tarball of one assembled flake's tree, made at site-build time from the directory
 * the verifier wrote. Entries are `<folder>/…` (the folder the pages name, such as `hero/`), in byte order, with file contents and modes as
 * on disk and a fixed mtime, so the same tree always gives the same archive.
 */
import { join } from 'node:path';
import { create } from 'tar';

/** Fixed mtime of every entry: the archive depends on the tree only. */
const EPOCH = new Date('2000-01-01T00:00:00Z');

/**
 * @param flakesDir directory holding the flake trees (`.verify/flakes`)
 * @param name the flake, a directory in `flakesDir`
 * @param files every file of the flake, relative to its root, posix separators
 * @param folder the archive's top folder (default: the flake's name)
 */
export async function flakeArchive(flakesDir: string, name: string, files: string[], folder = name): Promise<Uint8Array> {
  const dirs = new Set<string>();
  for (const file of files) {
    const parts = file.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const entries = ['.', ...[...dirs, ...files].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))];
  const chunks: Uint8Array[] = [];
  const stream = create({ cwd: join(flakesDir, name), prefix: folder, gzip: true, portable: true, mtime: EPOCH, noDirRecurse: true }, entries);
  for await (const chunk of stream) chunks.push(chunk as Uint8Array);
  return Buffer.concat(chunks);
}
