/**
 * Merging the reports of the shards of one run into the report of the whole run. Pure.
 */
import { sortReport } from './summary.ts';
import type { Report } from './types.ts';

export function mergeReports(reports: readonly Report[]): Report | { problem: string } {
  if (reports.length === 0) return { problem: 'No reports to merge.' };
  const first = reports[0]!;
  for (const report of reports.slice(1)) {
    const differs = (what: string, a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b) && what;
    const problem =
      differs('report version', report.version, first.version) ||
      differs('Nix', report.nix, first.nix) ||
      differs('nixpkgs', report.nixpkgs, first.nixpkgs) ||
      differs('level', report.levelRequested, first.levelRequested);
    if (problem) return { problem: `The reports come from different runs: their ${problem} differs. Merge the shards of one run.` };
  }
  const ids = new Set<string>();
  for (const block of reports.flatMap((r) => r.blocks)) {
    if (ids.has(block.id)) return { problem: `Block ${block.id} is in more than one report: merge each shard once.` };
    ids.add(block.id);
  }
  const blocks = reports.flatMap((r) => r.blocks);
  const count = (status: string) => blocks.filter((b) => b.status === status).length;
  return sortReport({
    ...first,
    generatedAt: reports.map((r) => r.generatedAt).sort().at(-1)!,
    command: first.command.replace(/\s*--shard\s+\S+/, ''),
    blocks,
    flakes: reports.flatMap((r) => r.flakes),
    diagnostics: reports.flatMap((r) => r.diagnostics),
    caps: [...new Set(reports.flatMap((r) => r.caps))],
    builtAgainst: [...new Set(reports.flatMap((r) => r.builtAgainst))].sort(),
    summary: { blocks: blocks.length, verified: count('verified'), failed: count('failed'), exempt: count('exempt') },
  });
}
