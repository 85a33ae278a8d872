/**
 * What is wrong in an expected-failure block, worked out from the report's flakes: the block's
 * copy of its flake (the variant) differs from the working flake only where the block replaced
 * its target, so diffing the two assembled files line by line gives the lines of the block
 * that are wrong and the block(s) of the working flake they replace. Pure.
 */
import type { BlockReport, FlakeFileReport } from '../../scripts/verifier/types.ts';

export interface AssembledText {
  text: string;
  segments: FlakeFileReport['segments'];
}

export interface WrongCode {
  /** 1-based lines of the block that differ from the working version; every line when unknown. */
  lines: number[];
  /** Ids of the blocks the failing block stands in for, in file order. */
  replaces: string[];
}

/**
 * @param block an expected-failure block
 * @param variant the file `block.file` in the block's variant flake
 * @param working the same file in the flake the variant was copied from
 */
export function wrongCode(block: Pick<BlockReport, 'id' | 'code'>, variant: AssembledText, working: AssembledText): WrongCode {
  const all = block.code.split('\n').map((_, i) => i + 1);
  const own = variant.segments.find((s) => s.origin === 'block' && s.blockId === block.id);
  if (!own || own.to - own.from + 1 !== all.length) return { lines: all, replaces: [] };

  const [variantOnly, workingOnly] = unmatchedLines(variant.text.split('\n'), working.text.split('\n'));
  const lines = [...variantOnly].filter((n) => n >= own.from && n <= own.to).map((n) => n - own.from + 1);
  const replaces: string[] = [];
  for (const n of [...workingOnly].sort((a, b) => a - b)) {
    const segment = working.segments.find((s) => s.from <= n && n <= s.to);
    if (segment?.origin === 'block' && segment.blockId && !replaces.includes(segment.blockId)) replaces.push(segment.blockId);
  }
  return { lines: lines.length ? lines : all, replaces };
}

/** 1-based line numbers of `a` and of `b` outside a longest common subsequence of the two. */
export function unmatchedLines(a: string[], b: string[]): [Set<number>, Set<number>] {
  // lcs[i][j]: length of the LCS of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const onlyA = new Set<number>();
  const onlyB = new Set<number>();
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) onlyA.add(++i);
    else onlyB.add(++j);
  }
  while (i < a.length) onlyA.add(++i);
  while (j < b.length) onlyB.add(++j);
  return [onlyA, onlyB];
}

/** Expressive Code's line-range syntax for a list of lines: `[1, 2, 3, 5]` → `1-3,5`. */
export function lineRangeList(lines: number[]): string {
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let k = 0; k < sorted.length; k++) {
    const start = sorted[k]!;
    while (k + 1 < sorted.length && sorted[k + 1] === sorted[k]! + 1) k++;
    ranges.push(start === sorted[k] ? `${start}` : `${start}-${sorted[k]}`);
  }
  return ranges.join(',');
}
