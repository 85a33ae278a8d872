/**
 * The words of a verification mark: pure functions from report data to the text readers see,
 * shared by the marks under code blocks and the verification page.
 */
import type { BlockReport, FlakeReport, Level, NixpkgsIdentity, Report, Status } from '../../scripts/verifier/types.ts';

const LEVEL_WORDS: Record<Level, string> = {
  parse: 'parsed',
  eval: 'evaluated',
  fetch: 'fetched',
  build: 'built',
  boot: 'loaded',
};

/** What each level means, for tooltips and the verification page. */
export const LEVEL_MEANINGS: Record<Level, string> = {
  parse: 'Nix parsed the file this block belongs to',
  eval: 'Nix evaluated the flake this block belongs to',
  fetch: 'Nix also fetched every source the flake needs, checking its hash',
  build: 'Nix also built the derivations of the flake',
  boot: 'each system of the flake also booted in a virtual machine, loaded its modules and ran the commands shown',
};

export function levelWord(level: Level | null): string {
  return level ? LEVEL_WORDS[level] : 'not run';
}

/**
 * The nixpkgs a run used, as readers see it. A stand-in run is an offline stand-in, never
 * "nixpkgs": it only imitates the parts of nixpkgs the guide uses. A parse-only run used none.
 */
export function nixpkgsText(nixpkgs: NixpkgsIdentity): string {
  if (nixpkgs.kind === 'standin') return `offline stand-in ${shortId(nixpkgs.version)}`;
  if (nixpkgs.kind === 'none') return nixpkgs.label;
  return /nixpkgs/i.test(nixpkgs.label) ? nixpkgs.label : `nixpkgs ${nixpkgs.label}`;
}

/** `sha256-Kq09QHcn2P/trt8…=` → `Kq09QHcn`; short versions stay as they are. */
function shortId(version: string): string {
  const bare = version.replace(/^sha256-/, '');
  return bare.length > 12 ? bare.slice(0, 8) : bare;
}

/**
 * What module packages were built against, e.g. "built against Linux 6.12.118 and Linux 7.3.4
 * (Debian's sources, configured like NixOS's) in the offline stand-in, not nixpkgs"; empty when
 * nothing was built.
 */
export function builtAgainstText(report: Pick<Report, 'builtAgainst' | 'nixpkgs'>): string {
  if (report.builtAgainst.length === 0) return '';
  const where = report.nixpkgs.kind === 'standin' ? " (Debian's sources, configured like NixOS's) in the offline stand-in, not nixpkgs" : ` from ${nixpkgsText(report.nixpkgs)}`;
  return `built against ${report.builtAgainst.join(' and ')}${where}`;
}

/**
 * Where a flake's systems were booted, e.g. "loaded on a virtual Slimbook Hero, Linux 6.12.118
 * of the offline stand-in".
 */
export function bootedText(booted: FlakeReport['booted'], nixpkgs: NixpkgsIdentity): string {
  const where = booted.map((b) => `${b.machine === 'slimbook-hero' ? 'a virtual Slimbook Hero' : 'a plain virtual PC'} (host ${b.host}), Linux ${b.kernel}`);
  return `loaded on ${[...new Set(where)].join(' and ')}${nixpkgs.kind === 'standin' ? ' of the offline stand-in' : ''}`;
}

export function nixText(report: Pick<Report, 'nix'>): string {
  return `Nix ${report.nix.version}`;
}

/** The headline of a block's mark, e.g. "Built", "Fails as expected", "Not verified". */
export function markHeadline(block: Pick<BlockReport, 'role' | 'status' | 'level'>): string {
  if (block.role === 'exempt' || block.status === 'exempt') return 'Not verified';
  if (block.status === 'not-run') return 'Not run';
  if (block.status === 'failed') return 'Failed';
  if (block.role === 'expected-failure') return `Fails as expected (${levelWord(block.level)})`;
  if (block.role === 'command') return 'Output checked';
  return capitalise(levelWord(block.level));
}

export function statusWord(status: Status): string {
  return status === 'not-run' ? 'not run' : status;
}

/** A stable HTML id for a block on the verification page, e.g. `block-simple-42`. */
export function blockAnchor(block: Pick<BlockReport, 'page' | 'line'>): string {
  return `block-${slugPart(stripDocsDir(block.page))}-${block.line}`;
}

/** A stable HTML id for a flake on the verification page. */
export function flakeAnchor(name: string): string {
  return `flake-${slugPart(name)}`;
}

/** `src/content/docs/guide/simple.mdx` → `guide/simple.mdx`. */
export function stripDocsDir(page: string): string {
  return page.replace(/^src\/content\/docs\//, '');
}

function slugPart(text: string): string {
  return text
    .replace(/\.mdx?$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A line marker as Expressive Code's `mark`, `ins` and `del` props take it: `{ range: '1-4', label }`. */
export interface LineMarker {
  range: string;
  label?: string;
}

/**
 * Line markers for the segments of a file that satisfy `keep`, leaving out the lines in `except`
 * (which carry another marker). A segment split around such lines is labelled once, on its
 * first run, so a label means "from here on".
 */
export function lineMarkers<S extends { from: number; to: number }>(
  segments: S[],
  keep: (s: S) => boolean,
  options: { except?: ReadonlySet<number>; label?: string } = {},
): LineMarker[] {
  const { except = new Set<number>(), label } = options;
  return segments.filter(keep).flatMap((segment) => {
    const lines: number[] = [];
    for (let n = segment.from; n <= segment.to; n++) if (!except.has(n)) lines.push(n);
    return lineRuns(lines).map((run, i) => {
      const range = run.from === run.to ? `${run.from}` : `${run.from}-${run.to}`;
      return i === 0 && label !== undefined ? { range, label } : { range };
    });
  });
}

/** Consecutive runs of ascending line numbers: `[1, 2, 3, 5]` → `[{ from: 1, to: 3 }, { from: 5, to: 5 }]`. */
export function lineRuns(lines: number[]): { from: number; to: number }[] {
  const runs: { from: number; to: number }[] = [];
  for (const n of lines) {
    const last = runs.at(-1);
    if (last && n === last.to + 1) last.to = n;
    else runs.push({ from: n, to: n });
  }
  return runs;
}

/** The HTML id of a block on its own page, e.g. `snippet-44`: what the verification page links back to. */
export function snippetAnchor(block: Pick<BlockReport, 'line'>): string {
  return `snippet-${block.line}`;
}

/**
 * What a result rests on, for the colour and words of a mark: real nixpkgs (`nixpkgs`), the
 * offline stand-in (`standin`), or neither, when only Nix's parser was involved (`parser`).
 */
export type Basis = 'nixpkgs' | 'standin' | 'parser';

export function basisOf(block: Pick<BlockReport, 'level' | 'status'>, nixpkgs: NixpkgsIdentity): Basis {
  if (block.status === 'exempt' || !block.level || block.level === 'parse' || nixpkgs.kind === 'none') return 'parser';
  return nixpkgs.kind === 'standin' ? 'standin' : 'nixpkgs';
}

/**
 * The words of a mark: its level and status, and for a result of the offline stand-in, that it
 * was the stand-in, e.g. "Built", "Built on the stand-in", "Fails as expected (evaluated)".
 */
export function markWords(block: Pick<BlockReport, 'role' | 'status' | 'level'>, basis: Basis): string {
  const headline = markHeadline(block);
  return basis === 'standin' && block.status === 'verified' ? `${headline} on the stand-in` : headline;
}

/** The nixpkgs of a run, as the environment line of a page states it. */
export function environmentNixpkgs(nixpkgs: NixpkgsIdentity): string {
  if (nixpkgs.kind === 'standin') return 'the offline stand-in, not nixpkgs';
  if (nixpkgs.kind === 'pinned' && nixpkgs.rev && !nixpkgs.label.includes(nixpkgs.rev.slice(0, 7))) {
    return `${nixpkgsText(nixpkgs)}, revision ${nixpkgs.rev.slice(0, 12)}`;
  }
  return nixpkgsText(nixpkgs);
}

/** `2026-11-26T14:45:36Z` → `26 November 2026`; anything unreadable as it is. */
export function checkedDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

/** What a block is, in words: "whole file", "fragment", "commands", "expected failure", … */
export function roleWords(block: Pick<BlockReport, 'role' | 'lang'>): string {
  switch (block.role) {
    case 'file':
      return 'whole file';
    case 'fragment':
      return 'part of a file';
    case 'expected-failure':
      return 'wrong on purpose';
    case 'command':
      return 'commands';
    case 'exempt':
      return block.lang === 'nix' ? 'Nix, not checked' : 'commands, not run';
    case 'lint':
      return 'Nix, parsed only';
  }
}
