/**
 * Mistakes in how blocks name their flakes, found before Nix runs: a flake that no block or
 * glue gives a `flake.nix` (usually a misspelt `flake="…"`), a command block for a flake that
 * does not exist, and flakes whose inputs link in a circle. Pure.
 */
import { editDistance } from '../../src/markdown/annotations.ts';
import type { AssembledFlake, Block, Diagnostic } from './types.ts';

export function flakeProblems(flakes: readonly AssembledFlake[], blocks: readonly Block[]): Diagnostic[] {
  const complete = flakes.filter((f) => !f.variantOf && f.files.some((file) => file.path === 'flake.nix')).map((f) => f.name);
  const hint = (name: string) => {
    const guess = complete.find((known) => editDistance(known, name) <= 2);
    return guess ? ` Did you mean \`${guess}\`?` : complete.length ? ` The flakes are ${complete.map((k) => `\`${k}\``).join(', ')}.` : '';
  };
  const problems: Diagnostic[] = [];
  for (const flake of flakes) {
    if (flake.variantOf || complete.includes(flake.name)) continue;
    const first = blocks.find((b) => 'target' in b.annotation && b.annotation.target?.flake === flake.name);
    // Named only by command blocks: said at them, below.
    if (!first && flake.files.length === 0) continue;
    problems.push({
      reason: `Flake \`${flake.name}\` has no \`flake.nix\`: no block and no glue file gives it, so Nix cannot evaluate it.${hint(flake.name)}`,
      file: first?.page ?? `flake ${flake.name}`,
      ...(first ? { place: first.start, blockId: first.id } : {}),
      ruleId: 'annotation',
      fatal: true,
    });
  }
  for (const block of blocks) {
    if (block.annotation.role !== 'command' || complete.includes(block.annotation.flake)) continue;
    problems.push({
      reason: `This command block runs in flake \`${block.annotation.flake}\`, which no block or glue defines.${hint(block.annotation.flake)}`,
      file: block.page,
      place: block.start,
      ruleId: 'annotation',
      blockId: block.id,
      fatal: true,
    });
  }
  const cycle = linkCycle(flakes);
  if (cycle) {
    problems.push({
      reason: `The flakes' inputs link in a circle: ${cycle.map((n) => `\`${n}\``).join(' → ')}. A flake cannot be its own input, directly or through others.`,
      file: `src/flakes/${cycle[0]}.json`,
      ruleId: 'manifest',
      fatal: true,
    });
  }
  return problems;
}

/** The first circle of links between flakes, as names from its start back to it. */
export function linkCycle(flakes: readonly AssembledFlake[]): string[] | undefined {
  const byName = new Map(flakes.map((f) => [f.name, f]));
  const done = new Set<string>();
  const visit = (name: string, path: string[]): string[] | undefined => {
    const at = path.indexOf(name);
    if (at !== -1) return [...path.slice(at), name];
    if (done.has(name)) return undefined;
    for (const next of Object.values(byName.get(name)?.links ?? {})) {
      const found = visit(next, [...path, name]);
      if (found) return found;
    }
    done.add(name);
    return undefined;
  };
  for (const flake of flakes) {
    const found = visit(flake.name, []);
    if (found) return found;
  }
  return undefined;
}
