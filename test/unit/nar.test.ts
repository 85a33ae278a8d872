import { describe, expect, it } from 'vitest';
import { narHashSri, nixBase32, nixBase32Decode, storePathOf } from '../../scripts/verifier/nar.ts';

// Recorded from Nix 2.8.0 for this tree: `nix hash path` and `nix flake metadata --json path:DIR`.
const tree = new Map([
  ['a/b/c.nix', 'x = 1\n'],
  ['flake.nix', '{outputs = _: {};}\n'],
]);

describe('nar', () => {
  it('hashes a tree as Nix does', () => {
    expect(narHashSri(tree)).toBe('sha256-+MexvQB5YkjWr2nTYoeEu11M/sXY4c2V+m7Aeu1/BwE=');
  });

  it('names the store path Nix copies a path flake to', () => {
    expect(storePathOf(tree)).toBe('/nix/store/qdr5sbv5j8qr4whbflw7gv0y9ykvvgmq-source');
  });

  it('does not depend on insertion order', () => {
    expect(narHashSri(new Map([...tree].reverse()))).toBe(narHashSri(tree));
  });

  it('round-trips Nix base32', () => {
    const bytes = Uint8Array.from({ length: 32 }, (_, i) => (i * 37) % 256);
    expect(nixBase32Decode(nixBase32(bytes))).toEqual(bytes);
  });
});
