/**
 * Reads what the verifier left in `.verify/`: the report (`report.json`, validated against the
 * contract in scripts/verifier/types.ts) and the assembled flakes (`flakes/<name>/…`, each a
 * plain tree, exactly what Nix evaluated). The site never renders anything about a snippet
 * that does not come from here.
 *
 * Everything is read synchronously and cached per report modification time, so the remark
 * plugin (outside Vite) and the components (inside Vite) share one loader.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { z } from 'zod';
import type { BlockReport, FlakeReport, Report } from '../../scripts/verifier/types.ts';
import { displayPath } from '../../scripts/verifier/glue.ts';
import { ReportSchema } from './report-schema.ts';
import { wrongCode, type WrongCode } from './wrong-code.ts';

const HOW_TO_PRODUCE =
  'Run `npm run build` (it verifies every snippet, then builds the site), or `npm run verify -- --report .verify/report.json --out .verify/flakes` before `astro build`/`astro dev`.';

/** The verifier's output is missing, malformed or inconsistent. */
export class VerificationDataError extends Error {
  override name = 'VerificationDataError';
}

export interface Verification {
  /** Absolute path of the `.verify` directory. */
  readonly dir: string;
  readonly report: Report;
  /** The report entry of the block whose opening fence is at `page:line`. */
  block(page: string, line: number): BlockReport | undefined;
  blockById(id: string): BlockReport | undefined;
  /** A flake of the report; throws when there is none of that name. */
  flake(name: string): FlakeReport;
  /** One file of a flake's report (its line origins); throws when the flake has no such file. */
  flakeFile(name: string, path: string): FlakeReport['files'][number];
  /** The variant flake built around an expected-failure block. */
  variantFor(blockId: string): FlakeReport | undefined;
  /**
   * For an expected-failure block: its lines that differ from the working version, and the
   * working blocks it stands in for (from the flakes' files, else the blocks of the same flake,
   * file and slot). Undefined for other blocks.
   */
  wrongCode(blockId: string): WrongCode | undefined;
  /** Flakes readers can download: every assembled flake that is not a variant. */
  downloadableFlakes(): FlakeReport[];
  /** Absolute path of the tree of flake `name`. */
  flakeDir(name: string): string;
  /** Paths (posix, relative to the flake root) of every file in the tree, sorted. */
  flakeTree(name: string): string[];
  /** The text of one file of an assembled flake, exactly as the verifier wrote it. */
  readFlakeFile(name: string, path: string): string;
}

const cache = new Map<string, { mtimeMs: number; verification: Verification }>();

/** Loads `.verify/` from `dir`, with a clear error when it is missing or malformed. */
export function loadVerification(dir: string): Verification {
  const reportPath = join(dir, 'report.json');
  if (!existsSync(reportPath)) {
    throw new VerificationDataError(
      `The verification report \`${displayPath(process.cwd(), reportPath)}\` does not exist. The site shows each snippet's verification, so it cannot be built without one. ${HOW_TO_PRODUCE}`,
    );
  }
  const { mtimeMs } = statSync(reportPath);
  const cached = cache.get(dir);
  if (cached && cached.mtimeMs === mtimeMs) return cached.verification;
  const verification = createVerification(dir, parseReport(readFileSync(reportPath, 'utf8'), reportPath));
  cache.set(dir, { mtimeMs, verification });
  return verification;
}

/** Parses and validates the text of a report. */
export function parseReport(text: string, path = 'report.json'): Report {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new VerificationDataError(
      `The verification report \`${displayPath(process.cwd(), path)}\` is not valid JSON (${(error as Error).message}). ${HOW_TO_PRODUCE}`,
    );
  }
  const result = ReportSchema.safeParse(json);
  if (!result.success) {
    throw new VerificationDataError(
      `The verification report \`${displayPath(process.cwd(), path)}\` does not match the report contract (scripts/verifier/types.ts):\n${z.prettifyError(result.error)}\nIt may come from an older verifier. ${HOW_TO_PRODUCE}`,
    );
  }
  return result.data;
}

function createVerification(dir: string, report: Report): Verification {
  const byPosition = new Map(report.blocks.map((b) => [`${b.page}:${b.line}`, b]));
  const byId = new Map(report.blocks.map((b) => [b.id, b]));
  const flakes = new Map(report.flakes.map((f) => [f.name, f]));
  const trees = new Map<string, string[]>();

  const flakeDir = (name: string) => {
    const flake = flakes.get(name);
    if (!flake) throw new VerificationDataError(unknownFlakeMessage(name, report));
    const path = join(dir, 'flakes', safeSegment(name));
    if (!existsSync(path)) {
      throw new VerificationDataError(
        `The report lists flake \`${name}\`, but its tree \`${displayPath(process.cwd(), path)}\` does not exist: the report and the flakes come from different runs. ${HOW_TO_PRODUCE}`,
      );
    }
    return path;
  };

  const sameTarget = (block: BlockReport) =>
    report.blocks
      .filter((b) => (b.role === 'file' || b.role === 'fragment') && b.flake === block.flake && b.file === block.file && b.slot === block.slot)
      .map((b) => b.id);

  const wrongCodeOf = (blockId: string): WrongCode | undefined => {
    const block = byId.get(blockId);
    if (!block || block.role !== 'expected-failure') return undefined;
    const whole = { lines: block.code.split('\n').map((_, i) => i + 1), replaces: sameTarget(block) };
    const base = report.flakes.find((f) => f.name === block.flake && f.variantOf === null);
    const fileOf = (flake: FlakeReport | undefined) => flake?.files.find((f) => f.path === block.file);
    const variant = report.flakes.find((f) => f.variantOf === blockId && fileOf(f)?.segments.some((s) => s.blockId === blockId));
    const variantFile = fileOf(variant);
    const baseFile = fileOf(base);
    if (!variant || !base || !variantFile || !baseFile) return whole;
    const found = wrongCode(
      block,
      { text: readFile(variant.name, variantFile.path), segments: variantFile.segments },
      { text: readFile(base.name, baseFile.path), segments: baseFile.segments },
    );
    return { lines: found.lines, replaces: found.replaces.length ? found.replaces : whole.replaces };
  };

  const readFile = (name: string, path: string) => {
    const full = join(flakeDir(name), ...path.split('/').map(safeSegment));
    if (!existsSync(full)) {
      throw new VerificationDataError(
        `The report lists file \`${path}\` of flake \`${name}\`, but \`${displayPath(process.cwd(), full)}\` does not exist: the report and the flakes come from different runs. ${HOW_TO_PRODUCE}`,
      );
    }
    return readFileSync(full, 'utf8');
  };

  return {
    dir,
    report,
    block: (page, line) => byPosition.get(`${page}:${line}`),
    blockById: (id) => byId.get(id),
    flake(name) {
      const flake = flakes.get(name);
      if (!flake) throw new VerificationDataError(unknownFlakeMessage(name, report));
      return flake;
    },
    flakeFile(name, path) {
      const flake = flakes.get(name);
      if (!flake) throw new VerificationDataError(unknownFlakeMessage(name, report));
      const file = flake.files.find((f) => f.path === path);
      if (!file) {
        const paths = flake.files.map((f) => `\`${f.path}\``).join(', ');
        throw new VerificationDataError(`The verification report has no file \`${path}\` in flake \`${name}\` (its files: ${paths}).`);
      }
      return file;
    },
    variantFor: (blockId) => report.flakes.find((f) => f.variantOf === blockId),
    downloadableFlakes: () => report.flakes.filter((f) => f.variantOf === null),
    flakeDir,
    flakeTree(name) {
      let tree = trees.get(name);
      if (!tree) {
        const root = flakeDir(name);
        tree = listFiles(root).map((path) => relative(root, path).split(sep).join('/'));
        trees.set(name, tree);
      }
      return tree;
    },
    readFlakeFile: readFile,
    wrongCode: wrongCodeOf,
  };
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => compare(a.name, b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out;
}

/** Byte-wise comparison, so the order does not depend on the locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A flake name or path segment from the report, refused if it could leave `.verify/`. */
function safeSegment(segment: string): string {
  if (!segment || segment === '.' || segment === '..' || /[\\/\0]/.test(segment)) {
    throw new VerificationDataError(`The verification report names a path segment \`${segment}\` that is not allowed.`);
  }
  return segment;
}

function unknownFlakeMessage(name: string, report: Report): string {
  const names = report.flakes.map((f) => `\`${f.name}\``).join(', ') || 'none';
  return `The verification report has no flake \`${name}\`. Flakes in the report: ${names}.`;
}

