/**
 * Terminal output: each problem as `file:line:col`, the reason, and a frame of the page.
 * Pure: returns strings.
 */
import { codeFrameColumns } from '@babel/code-frame';
import type { Diagnostic, Report } from './types.ts';

export function formatDiagnostic(d: Diagnostic, sources: ReadonlyMap<string, string>): string {
  const where = d.place ? `${d.file}:${d.place.line}:${d.place.column}` : d.file;
  const lines = [`${where}: ${d.fatal ? 'error' : 'drift'} [${d.ruleId}]`, ...indent(d.reason)];
  const source = sources.get(d.file);
  if (source !== undefined && d.place) {
    lines.push(
      '',
      // @babel/code-frame counts columns from 0; ours count from 1, like Nix and unist.
      codeFrameColumns(source, { start: { line: d.place.line, column: d.place.column - 1 } }, { linesAbove: 2, linesBelow: 2, highlightCode: false })
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
  }
  for (const note of d.notes ?? []) lines.push(`  note: ${note}`);
  return lines.join('\n');
}

export function formatSummary(report: Report): string {
  const { summary, nixpkgs, nix } = report;
  const against = nixpkgs.kind === 'none' ? '' : `, against ${nixpkgs.kind === 'standin' ? 'the ' : ''}${nixpkgs.label}`;
  return `${summary.blocks} blocks: ${summary.verified} verified, ${summary.failed} failed, ${summary.exempt} exempt — Nix ${nix.version}${against}`;
}

function indent(text: string): string[] {
  return text.split('\n').map((l) => `  ${l}`);
}
