/**
 * The site's pure helpers: what a command block's copy button copies, which lines of an
 * expected failure are wrong, and the words of a mark.
 */
import { describe, expect, test } from 'vitest';
import { commandCopyText } from '../../src/lib/command-copy.ts';
import { markWords } from '../../src/lib/mark-text.ts';
import { lineRangeList, unmatchedLines, wrongCode } from '../../src/lib/wrong-code.ts';

describe('commandCopyText', () => {
  test('copies the commands without prompts or output, continuation lines as they are', () => {
    const code = ['$ nix eval .#a --apply \\', "    'x: x'", 'true', '$ uname -r', '6.12.41'].join('\n');
    expect(commandCopyText('console', code)).toBe(['nix eval .#a --apply \\', "    'x: x'", 'uname -r'].join('\n'));
  });

  test('leaves blocks without prompts, and languages that are not shell sessions, to copy as they are', () => {
    expect(commandCopyText('sh', 'sudo nixos-rebuild switch --flake .#hero')).toBeUndefined();
    expect(commandCopyText('nix', '$ not a prompt')).toBeUndefined();
    expect(commandCopyText('text', '$ ls')).toBeUndefined();
  });
});

describe('wrongCode', () => {
  const working = { text: 'a\nb\nc\nd', segments: [{ from: 1, to: 4, origin: 'block' as const, blockId: 'w', source: 'w' }] };

  test('marks the lines of the block that differ from the working file, and names the block it replaces', () => {
    const variant = { text: 'a\nB\nc\nd', segments: [{ from: 1, to: 4, origin: 'block' as const, blockId: 'x', source: 'x' }] };
    expect(wrongCode({ id: 'x', code: 'a\nB\nc\nd' }, variant, working)).toEqual({ lines: [2], replaces: ['w'] });
  });

  test('maps lines of a fragment to the block’s own lines, past glue', () => {
    const base = {
      text: 'let\n  x = 1;\nin',
      segments: [
        { from: 1, to: 1, origin: 'glue' as const, source: 'g' },
        { from: 2, to: 2, origin: 'block' as const, blockId: 'w', source: 'w' },
        { from: 3, to: 3, origin: 'glue' as const, source: 'g' },
      ],
    };
    const variant = {
      text: 'let\n  y = 2;\n  x = 1;\nin',
      segments: [
        { from: 1, to: 1, origin: 'glue' as const, source: 'g' },
        { from: 2, to: 3, origin: 'block' as const, blockId: 'x', source: 'x' },
        { from: 4, to: 4, origin: 'glue' as const, source: 'g' },
      ],
    };
    expect(wrongCode({ id: 'x', code: 'y = 2;\nx = 1;' }, variant, base)).toEqual({ lines: [1], replaces: [] });
  });

  test('marks every line when the block is not found in its copy of the flake', () => {
    expect(wrongCode({ id: 'x', code: 'a\nb' }, working, working).lines).toEqual([1, 2]);
  });

  test('unmatchedLines and lineRangeList', () => {
    expect(unmatchedLines(['a', 'b', 'c'], ['a', 'c', 'd'])).toEqual([new Set([2]), new Set([3])]);
    expect(lineRangeList([5, 1, 2, 3])).toBe('1-3,5');
  });
});

describe('markWords', () => {
  test('a stand-in result says so; a real-nixpkgs or parse-only result does not', () => {
    expect(markWords({ role: 'file', status: 'verified', level: 'build' }, 'standin')).toBe('Built on the stand-in');
    expect(markWords({ role: 'file', status: 'verified', level: 'build' }, 'nixpkgs')).toBe('Built');
    expect(markWords({ role: 'command', status: 'verified', level: 'eval' }, 'standin')).toBe('Output checked on the stand-in');
    expect(markWords({ role: 'exempt', status: 'exempt', level: null }, 'parser')).toBe('Not verified');
  });
});
