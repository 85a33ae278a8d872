import { describe, expect, it } from 'vitest';
import { noSourceIn } from '../../scripts/verifier/standin-limits.ts';

/** A derivation's ATerm text with the given environment (outputs and inputs as Nix writes them). */
function derivation(env: Record<string, string>): string {
  const escape = (s: string) => JSON.stringify(s);
  const pairs = Object.entries(env).map(([k, v]) => `(${escape(k)},${escape(v)})`);
  return `Derive([("out","/nix/store/x-linux","",""),("dev","/nix/store/y-linux-dev","","")],[("/nix/store/z-stdenv.drv",["out"])],[],"x86_64-linux","/bin/sh",["-e"],[${pairs.join(',')}])`;
}

const REFUSING = { pname: 'linux', version: '6.18.1', src: '', unpackPhase: 'echo "$standinNoSource" >&2\nexit 1\n' };
const REASON = 'offline stand-in: no source for Linux 6.18.1. Only the kernel of Debian\'s "linux-source-6.12.tar.xz" (Linux 6.12.117) is built.';

describe('noSourceIn', () => {
  it('reads the stand-in’s reason from one of its unbuildable kernels, with ATerm escapes undone', () => {
    expect(noSourceIn(derivation({ ...REFUSING, standinNoSource: REASON }))).toBe(REASON);
  });

  it('finds nothing in a derivation without it, even when the words appear in another variable', () => {
    expect(noSourceIn(derivation({ ...REFUSING, buildPhase: 'echo standinNoSource' }))).toBeUndefined();
  });

  it('is not fooled by a package that only sets the variable', () => {
    const faked = { standinNoSource: REASON };
    expect(noSourceIn(derivation({ pname: 'qc71_laptop', version: '6.18.1', src: '/nix/store/a-source', ...faked }))).toBeUndefined();
    // Each part of the kernel's shape is needed: a source, another unpack phase, another name.
    expect(noSourceIn(derivation({ ...REFUSING, src: '/nix/store/a-source', ...faked }))).toBeUndefined();
    expect(noSourceIn(derivation({ ...REFUSING, unpackPhase: 'tar xf $src', ...faked }))).toBeUndefined();
    expect(noSourceIn(derivation({ ...REFUSING, pname: 'hello', ...faked }))).toBeUndefined();
    // The reason names the kernel's own version.
    expect(noSourceIn(derivation({ ...REFUSING, version: '6.12.117', ...faked }))).toBeUndefined();
  });
});
