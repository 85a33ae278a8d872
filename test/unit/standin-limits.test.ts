import { describe, expect, it } from 'vitest';
import { noSourceIn } from '../../scripts/verifier/standin-limits.ts';

describe('noSourceIn', () => {
  it('reads the stand-in’s reason from a derivation, with ATerm escapes undone', () => {
    const aterm = 'Derive([("out","/nix/store/x-linux","","")],[],[],"x86_64-linux","/bin/sh",[],[("name","linux-6.18.1"),("standinNoSource","offline stand-in: no source for \\"Linux 6.18.1\\".\\nOnly 6.12 is built."),("system","x86_64-linux")])';
    expect(noSourceIn(aterm)).toBe('offline stand-in: no source for "Linux 6.18.1".\nOnly 6.12 is built.');
  });

  it('finds nothing in a derivation without it, even when the words appear in another variable', () => {
    expect(noSourceIn('Derive([],[],[],"x86_64-linux","/bin/sh",[],[("buildPhase","echo standinNoSource"),("name","linux-6.12.117")])')).toBeUndefined();
  });
});
