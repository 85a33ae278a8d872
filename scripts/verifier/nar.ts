/**
 * Nix archive (NAR) hashing and store paths, so the verifier can name the store path Nix
 * will copy an assembled flake to (to map error positions back) and key its cache on the
 * exact tree, without asking Nix. Pure over an in-memory tree.
 *
 * Format: Eelco Dolstra's thesis, ch. 5.2.1; store paths: `makeStorePath` in libstore.
 */
import { createHash } from 'node:crypto';

/** A file tree in memory: path ("a/b.nix") -> contents. Only regular, non-executable files. */
export type Tree = ReadonlyMap<string, string | Uint8Array>;

export function narHash(tree: Tree): Buffer {
  return narHashOfNode(toDirectory(tree));
}

/** A file system object as NAR sees it: a directory, a regular file or a symlink. */
export type NarNode =
  | { entries: Map<string, NarNode> }
  | string
  | Uint8Array
  | { contents: Uint8Array; executable: boolean }
  | { symlink: string };

/** SHA-256 of the NAR serialisation of `root`. */
export function narHashOfNode(root: NarNode): Buffer {
  const hash = createHash('sha256');
  // The serialisation is many short strings: they go to the hash in chunks of about 1 MiB,
  // not one call each (a call costs more than hashing a short string).
  let parts: Uint8Array[] = [];
  let pending = 0;
  const flush = () => {
    hash.update(Buffer.concat(parts, pending));
    parts = [];
    pending = 0;
  };
  const str = (s: string | Uint8Array) => {
    const token = typeof s === 'string' ? TOKENS.get(s) : undefined;
    if (token) {
      parts.push(token);
      pending += token.length;
      return;
    }
    const bytes = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
    const padding = (8 - (bytes.length % 8)) % 8;
    parts.push(lengthOf(bytes), bytes);
    if (padding) parts.push(ZEROS.subarray(0, padding));
    pending += 8 + bytes.length + padding;
    if (pending >= 1 << 20) flush();
  };
  str('nix-archive-1');
  serialise(root, str);
  flush();
  return hash.digest();
}

const ZEROS = new Uint8Array(8);

/** A string's length as NAR writes it: 64 bits, little-endian. */
function lengthOf(bytes: Uint8Array): Buffer {
  const length = Buffer.alloc(8);
  length.writeUInt32LE(bytes.length % 2 ** 32);
  length.writeUInt32LE(Math.floor(bytes.length / 2 ** 32), 4);
  return length;
}

/** The NAR's own words, framed once (length, bytes, padding). */
const TOKENS = new Map(
  ['nix-archive-1', '(', ')', 'type', 'directory', 'entry', 'name', 'node', 'regular', 'executable', '', 'contents', 'symlink', 'target'].map((word) => {
    const bytes = Buffer.from(word, 'utf8');
    return [word, Buffer.concat([lengthOf(bytes), bytes, ZEROS.subarray(0, (8 - (bytes.length % 8)) % 8)])];
  }),
);

/** `/nix/store/<hash>-<name>` of a tree added to the store recursively with SHA-256, as flakes are. */
export function storePathOf(tree: Tree, name = 'source', storeDir = '/nix/store'): string {
  return storePathForNarHash(narHash(tree), name, storeDir);
}

/** The same, from the tree's NAR hash. */
export function storePathForNarHash(hash: Buffer, name = 'source', storeDir = '/nix/store'): string {
  return makeStorePath(`source:sha256:${hash.toString('hex')}`, name, storeDir);
}

/**
 * The store path of a fixed-output derivation's output (or of `nix-store --add-fixed`), from
 * the SHA-256 of its contents: of the NAR for `recursive`, of the file itself for `flat`.
 */
export function fixedOutputPath(method: 'flat' | 'recursive', sha256: Buffer, name: string, storeDir = '/nix/store'): string {
  if (method === 'recursive') return storePathForNarHash(sha256, name, storeDir);
  const inner = createHash('sha256').update(`fixed:out:sha256:${sha256.toString('hex')}:`).digest('hex');
  return makeStorePath(`output:out:sha256:${inner}`, name, storeDir);
}

function makeStorePath(prefix: string, name: string, storeDir: string): string {
  const digest = createHash('sha256').update(`${prefix}:${storeDir}:${name}`).digest();
  const compressed = Buffer.alloc(20);
  for (let i = 0; i < digest.length; i++) compressed[i % 20]! ^= digest[i]!;
  return `${storeDir}/${nixBase32(compressed)}-${name}`;
}

/** The SRI form Nix prints as `narHash`. */
export function narHashSri(tree: Tree): string {
  return `sha256-${narHash(tree).toString('base64')}`;
}

const BASE32 = '0123456789abcdfghijklmnpqrsvwxyz';

export function nixBase32(bytes: Uint8Array): string {
  const length = Math.ceil((bytes.length * 8) / 5);
  let out = '';
  for (let n = length - 1; n >= 0; n--) {
    const b = n * 5;
    const i = Math.floor(b / 8);
    const j = b % 8;
    const c = (bytes[i]! >> j) | (i + 1 < bytes.length ? bytes[i + 1]! << (8 - j) : 0);
    out += BASE32[c & 0x1f];
  }
  return out;
}

export function nixBase32Decode(text: string): Uint8Array {
  const bytes = new Uint8Array(Math.floor((text.length * 5) / 8));
  for (let n = 0; n < text.length; n++) {
    const digit = BASE32.indexOf(text[text.length - 1 - n]!);
    const b = n * 5;
    const i = Math.floor(b / 8);
    const j = b % 8;
    bytes[i]! |= (digit << j) & 0xff;
    if (i + 1 < bytes.length) bytes[i + 1]! |= digit >> (8 - j);
  }
  return bytes;
}

interface Directory {
  entries: Map<string, NarNode>;
}

function toDirectory(tree: Tree): Directory {
  const root: Directory = { entries: new Map() };
  for (const [path, contents] of tree) {
    const parts = path.split('/');
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      let next = dir.entries.get(part);
      if (!next || !isDirectory(next)) {
        next = { entries: new Map() };
        dir.entries.set(part, next);
      }
      dir = next;
    }
    dir.entries.set(parts.at(-1)!, contents);
  }
  return root;
}

function isDirectory(node: NarNode): node is Directory {
  return typeof node === 'object' && 'entries' in node;
}

function serialise(node: NarNode, str: (s: string | Uint8Array) => void): void {
  str('(');
  str('type');
  if (isDirectory(node)) {
    str('directory');
    const names = [...node.entries.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const name of names) {
      str('entry');
      str('(');
      str('name');
      str(name);
      str('node');
      serialise(node.entries.get(name)!, str);
      str(')');
    }
  } else if (typeof node === 'object' && 'symlink' in node) {
    str('symlink');
    str('target');
    str(node.symlink);
  } else if (typeof node === 'object' && 'executable' in node) {
    str('regular');
    if (node.executable) {
      str('executable');
      str('');
    }
    str('contents');
    str(node.contents);
  } else {
    str('regular');
    str('contents');
    str(node);
  }
  str(')');
}
