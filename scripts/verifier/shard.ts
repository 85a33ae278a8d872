/**
 * Sharding a run over several machines: each shard verifies a deterministic share of the
 * flakes, every flake together with the flakes linked to it (a consumer needs what it
 * consumes) and the copies made for its expected failures, so no flake is run twice. Pure.
 */
import type { AssembledFlake, Block } from './types.ts';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard | { problem: string } {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) return { problem: `--shard takes K/N with 1 ≤ K ≤ N, such as 1/2, not \`${text}\`.` };
  return { index, count };
}

/** The flakes linked to each other, directly or through others, as groups named by their first member. */
export function linkedGroups(flakes: readonly AssembledFlake[]): string[][] {
  const parent = new Map(flakes.map((f) => [f.name, f.name]));
  const find = (name: string): string => {
    const up = parent.get(name) ?? name;
    return up === name ? name : find(up);
  };
  for (const flake of flakes) for (const linked of Object.values(flake.links)) if (parent.has(linked)) parent.set(find(flake.name), find(linked));
  const groups = new Map<string, string[]>();
  for (const flake of flakes) groups.set(find(flake.name), [...(groups.get(find(flake.name)) ?? []), flake.name]);
  return [...groups.values()].map((g) => g.sort()).sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** The base flake of a copy made for an expected failure (`nur~troubleshooting-12` → `nur`). */
function baseOf(name: string): string {
  return name.split('~')[0]!;
}

/** The flake a block belongs to, if any. */
function flakeOf(block: Block): string | undefined {
  const a = block.annotation;
  if (a.role === 'command') return a.flake;
  return 'target' in a ? a.target?.flake : undefined;
}

export function shareOf(
  shard: Shard,
  flakes: readonly AssembledFlake[],
  variants: readonly AssembledFlake[],
  blocks: readonly Block[],
): { flakes: AssembledFlake[]; variants: AssembledFlake[]; blocks: Block[] } {
  const mine = new Set(linkedGroups(flakes).flatMap((group, i) => (i % shard.count === shard.index - 1 ? group : [])));
  // Blocks of no flake (unannotated, exempt) go by page, so each page's loose blocks stay together.
  const pages = [...new Set(blocks.map((b) => b.page))].sort();
  const pageShard = (page: string) => (pages.indexOf(page) % shard.count) + 1;
  return {
    flakes: flakes.filter((f) => mine.has(f.name)),
    variants: variants.filter((v) => mine.has(baseOf(v.name))),
    blocks: blocks.filter((b) => {
      const flake = flakeOf(b);
      return flake !== undefined && flakes.some((f) => f.name === flake) ? mine.has(flake) : pageShard(b.page) === shard.index;
    }),
  };
}
