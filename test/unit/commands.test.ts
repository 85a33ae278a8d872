import { describe, expect, it } from 'vitest';
import { normaliseOutput, parseCommandBlock } from '../../scripts/verifier/commands.ts';

describe('parseCommandBlock', () => {
  it('splits commands and their expected output', () => {
    const block = `$ nix eval .#a --apply 'x: builtins.elem "q" x'\ntrue\n$ nix eval .#b \\\n    --json\n["a"]  \n`;
    expect(parseCommandBlock(block)).toEqual({
      ok: true,
      commands: [
        { text: `nix eval .#a --apply 'x: builtins.elem "q" x'`, argv: ['nix', 'eval', '.#a', '--apply', 'x: builtins.elem "q" x'], expected: 'true', offset: 0 },
        { text: 'nix eval .#b --json', argv: ['nix', 'eval', '.#b', '--json'], expected: '["a"]', offset: 2 },
      ],
    });
  });

  it('refuses what it cannot run as written', () => {
    expect(parseCommandBlock('$ lsmod | grep qc71\n')).toMatchObject({ ok: false, offset: 0 });
    expect(parseCommandBlock('$ nix eval .#a > out\n')).toMatchObject({ ok: false, reason: expect.stringMatching(/no pipes/) });
    expect(parseCommandBlock("$ nix eval 'open\n")).toMatchObject({ ok: false });
    expect(parseCommandBlock('$ modinfo qc71_laptop\n')).toMatchObject({ ok: false, reason: expect.stringMatching(/not `modinfo`/) });
    expect(parseCommandBlock('output first\n$ nix eval .#a\n')).toMatchObject({ ok: false, offset: 0 });
    expect(parseCommandBlock('')).toMatchObject({ ok: false });
  });

  it('runs only commands that read or build, never ones that run programs', () => {
    expect(parseCommandBlock('$ nix flake show\n')).toMatchObject({ ok: true });
    expect(parseCommandBlock('$ nix build .#a --dry-run\n')).toMatchObject({ ok: true });
    expect(parseCommandBlock('$ nix run nixpkgs#hello\n')).toMatchObject({ ok: false, reason: expect.stringMatching(/^`nix run` is not run by the verifier/) });
    expect(parseCommandBlock('$ nix flake update\n')).toMatchObject({ ok: false });
  });
});

describe('normaliseOutput', () => {
  it('ignores trailing spaces and blank lines at the ends only', () => {
    expect(normaliseOutput('\n a  \n\n b\n\n')).toBe(' a\n\n b');
  });
});
