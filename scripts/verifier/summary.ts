/**
 * The JSON report: every block with where it went and how far it was verified, every flake
 * with where each of its lines came from. Pure.
 */
import type { Judgement } from './judge.ts';
import {
  LEVELS,
  REPORT_VERSION,
  type AssembledFile,
  type AssembledFlake,
  type Block,
  type BlockReport,
  type Diagnostic,
  type FlakeFileReport,
  type FlakeReport,
  type Level,
  type NixpkgsIdentity,
  type Report,
  type Status,
} from './types.ts';

export interface ReportInput {
  command: string;
  nixVersion: string;
  /** `Nix 2.8.0`, `Lix 2.93.0`, `Determinate Nix 3.6.2 (Nix 2.29.0)`. */
  nixName?: string;
  nixpkgs: NixpkgsIdentity;
  level: Level;
  blocks: readonly Block[];
  flakes: readonly AssembledFlake[];
  judgements: ReadonlyMap<string, Judgement>;
  parseFailures: ReadonlySet<string>;
  diagnostics: readonly Diagnostic[];
  /** Why flakes stopped short of the requested level on this machine. */
  caps: readonly string[];
  /** For expected failures that showed: the level at which they failed. */
  failedAt: ReadonlyMap<string, { level: Level; text: string }>;
  /** Expected failures that could not be tried as far as they need here, with why when it is not a cap. */
  notRun?: ReadonlyMap<string, string | null>;
  /** Expected failures whose flake fails first, with what to say of them. */
  blocked?: ReadonlyMap<string, string>;
  generatedAt?: string;
}

export function buildReport(input: ReportInput): Report {
  const blocks = input.blocks.map((block) => blockReport(block, input));
  const count = (status: Status) => blocks.filter((b) => b.status === status).length;
  return sortReport({
    version: REPORT_VERSION,
    generatedAt: input.generatedAt ?? new Date().toISOString(),
    command: input.command,
    nix: { version: input.nixVersion, name: input.nixName ?? `Nix ${input.nixVersion}` },
    nixpkgs: input.nixpkgs,
    levelRequested: input.level,
    blocks,
    flakes: input.flakes.map((flake) => flakeReport(flake, input)),
    diagnostics: [...input.diagnostics],
    caps: [...input.caps],
    builtAgainst: [...new Set([...input.judgements.values()].flatMap((j) => j.builtAgainst))].sort(),
    summary: { blocks: blocks.length, verified: count('verified'), failed: count('failed'), exempt: count('exempt') },
  });
}

/**
 * The report in its canonical order: blocks by page and line, flakes before their copies, by
 * name, diagnostics by file and line. A run and the merge of its shards then agree.
 */
export function sortReport(report: Report): Report {
  const byPlace = (a: { file: string; line: number }, b: typeof a) => a.file.localeCompare(b.file) || a.line - b.line;
  return {
    ...report,
    blocks: [...report.blocks].sort((a, b) => byPlace({ file: a.page, line: a.line }, { file: b.page, line: b.line })),
    flakes: [...report.flakes].sort((a, b) => Number(a.variantOf !== null) - Number(b.variantOf !== null) || a.name.localeCompare(b.name)),
    diagnostics: [...report.diagnostics].sort((a, b) => byPlace({ file: a.file, line: a.place?.line ?? 0 }, { file: b.file, line: b.place?.line ?? 0 })),
  };
}

function blockReport(block: Block, input: ReportInput): BlockReport {
  const { annotation } = block;
  const diagnostic = input.diagnostics.find((d) => d.blockId === block.id);
  const target = 'target' in annotation ? annotation.target : undefined;
  const flake = target?.flake ?? (annotation.role === 'command' ? annotation.flake : null);
  const judged = flake ? input.judgements.get(flake) : undefined;
  let level: Level | null = null;
  let status: Status = 'verified';
  switch (annotation.role) {
    case 'exempt':
      status = 'exempt';
      break;
    case 'lint':
      level = input.parseFailures.has(block.id) ? null : 'parse';
      break;
    case 'expected-failure':
      level = input.failedAt.get(block.id)?.level ?? null;
      if (input.notRun?.has(block.id)) status = 'not-run';
      if (input.blocked?.has(block.id)) status = 'failed';
      break;
    case 'command': {
      // Nix commands run after their flake evaluates (not at the parse level); commands of a
      // host run in it once it booted.
      const ran = annotation.host ? judged?.level === 'boot' || !!diagnostic : !!judged?.level && judged.level !== 'parse';
      level = ran && !diagnostic ? (annotation.host ? 'boot' : 'eval') : null;
      if (!ran) status = 'not-run';
      break;
    }
    default:
      level = judged?.level ?? 'parse';
  }
  if (diagnostic) {
    status = 'failed';
    level = levelBelow(diagnostic.ruleId, level);
  }
  return {
    id: block.id,
    page: block.page,
    line: block.start.line,
    column: block.start.column,
    lang: block.lang,
    role: annotation.role as BlockReport['role'],
    flake,
    file: target?.file ?? null,
    slot: target?.slot ?? null,
    level,
    status,
    message: diagnostic?.reason ?? input.blocked?.get(block.id) ?? input.notRun?.get(block.id) ?? null,
    reason: annotation.role === 'exempt' ? annotation.reason : annotation.role === 'expected-failure' ? annotation.fails : null,
    failedWith: input.failedAt.get(block.id)?.text ?? null,
    code: block.code,
  };
}

/** A block that failed at a level was verified up to the level before it. */
function levelBelow(ruleId: string, reached: Level | null): Level | null {
  const at = LEVELS.indexOf(ruleId as Level);
  if (at === -1) return reached === null ? null : reached;
  return at === 0 ? null : LEVELS[at - 1]!;
}

function flakeReport(flake: AssembledFlake, input: ReportInput): FlakeReport {
  const judged = input.judgements.get(flake.name);
  // A copy made for an expected failure succeeds when its block's failure shows as stated.
  const failed = flake.variantOf
    ? input.diagnostics.some((d) => d.blockId === flake.variantOf)
    : !judged || judged.diagnostics.length > 0;
  return {
    name: flake.name,
    variantOf: flake.variantOf ?? null,
    files: flake.files.map(fileReport),
    links: flake.links,
    level: judged?.level ?? null,
    status: failed ? 'failed' : 'verified',
    checks: judged?.checks ?? [],
    message: judged?.diagnostics[0]?.reason ?? null,
    cap: judged?.cap ?? null,
    notBuilt: judged?.notBuilt ?? [],
    folder: flake.folder ?? flake.name,
    builtAgainst: judged?.builtAgainst ?? [],
    booted: judged?.booted ?? [],
  };
}

function fileReport(file: AssembledFile): FlakeFileReport {
  const segments: FlakeFileReport['segments'] = [];
  file.origins.forEach((origin, i) => {
    const line = i + 1;
    const source = origin.kind === 'glue' ? origin.path : origin.page;
    const blockId = origin.kind === 'block' ? origin.blockId : undefined;
    const last = segments.at(-1);
    if (last && last.origin === origin.kind && last.blockId === blockId && last.source === source && last.to === line - 1) {
      last.to = line;
      return;
    }
    segments.push({ from: line, to: line, origin: origin.kind, ...(blockId ? { blockId } : {}), source });
  });
  return { path: file.path, segments };
}
