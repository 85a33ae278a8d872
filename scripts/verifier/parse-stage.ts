/**
 * The parse level: every assembled file, and every fragment or unannotated block on its own,
 * through Nix's parser in as few processes as possible, with answers cached per text.
 */
import type { Cache } from './cache.ts';
import { textKeys } from './cache.ts';
import { parseFiles, type NixRunner } from './nix.ts';
import { diagnoseNixError, type SourceIndex } from './nix-output.ts';
import { gapReason, partialCode, type Chunk } from './partial-code.ts';
import type { AssembledFile, Block, Diagnostic } from './types.ts';

/** A file on disk to parse: a file of a flake, or one form of a block on its own. */
export interface ParseTarget {
  file: AssembledFile;
  flake?: string;
  block?: Block;
}

/** Nix's error for each file that does not parse, by path. */
export async function parseTargets(
  nix: NixRunner,
  cache: Cache,
  targets: ReadonlyMap<string, ParseTarget>,
  salt: unknown,
  /** Puts the files the cache does not answer on disk, for the parser. */
  write: (uncached: ReadonlyMap<string, ParseTarget>) => Promise<void>,
  /** Parser processes at once. */
  jobs: number,
): Promise<{ failures: Map<string, string>; cached: boolean; fault?: string }> {
  // The path is in Nix's message; it is stored as a placeholder, since texts move.
  const key = textKeys('parse', salt);
  const failures = new Map<string, string>();
  const uncached: string[] = [];
  // Cache reads at once: a warm run is mostly these.
  const paths = [...targets.keys()];
  const hits = await cache.getAll(
    paths.map((path) => key(targets.get(path)!.file.text)),
    isParseAnswer,
  );
  for (const [i, path] of paths.entries()) {
    const hit = hits[i];
    if (hit === undefined) uncached.push(path);
    else if (hit.error !== null) failures.set(path, hit.error.replaceAll('@FILE@', path));
  }
  if (uncached.length) await write(new Map(uncached.map((path) => [path, targets.get(path)!])));
  const fresh = uncached.length ? await parseFiles(nix, uncached, jobs) : { failures: new Map<string, string>() };
  // A parser that failed without an answer checked nothing: nothing is cached.
  if (fresh.fault) return { failures, cached: false, fault: fresh.fault };
  await Promise.all(
    uncached.map((path) => {
      const error = fresh.failures.get(path) ?? null;
      if (error !== null) failures.set(path, error);
      return cache.set(key(targets.get(path)!.file.text), { error: error?.replaceAll(path, '@FILE@') ?? null });
    }),
  );
  return { failures, cached: uncached.length === 0 };
}

/**
 * Diagnostics from the parser's answers. Pure. An assembled file that fails breaks its
 * flake. A block on its own passes in either form (expression or bindings); when both fail,
 * the error that got furthest is the one to show. A fragment's own error is shown only when
 * its flake fails too, since a fragment may be no expression on its own.
 */
export function judgeParse(targets: ReadonlyMap<string, ParseTarget>, failures: ReadonlyMap<string, string>, index: SourceIndex) {
  const diagnostics: Diagnostic[] = [];
  const failedFlakes = new Set<string>();
  const failedBlocks = new Set<string>();
  const byBlock = new Map<Block, string[]>();
  for (const [path, target] of targets) {
    const error = failures.get(path);
    if (!error) continue;
    if (target.block) {
      byBlock.set(target.block, [...(byBlock.get(target.block) ?? []), error]);
      continue;
    }
    failedFlakes.add(target.flake!);
    diagnostics.push(diagnoseNixError(error, index, { file: path }, 'parse'));
  }
  for (const [block, errors] of byBlock) {
    if (errors.length < 2) continue;
    failedBlocks.add(block.id);
    if (block.annotation.role === 'fragment' && !failedFlakes.has(block.annotation.target.flake)) continue;
    const furthest = errors
      .map((e) => diagnoseNixError(e, index, { file: block.page, place: block.start, blockId: block.id }, 'parse'))
      .sort((a, b) => (b.place?.line ?? 0) - (a.place?.line ?? 0) || (b.place?.column ?? 0) - (a.place?.column ?? 0))[0]!;
    diagnostics.push(endsEarly(block, furthest) ?? furthest);
  }
  return { diagnostics, failedFlakes, failedBlocks };
}

/**
 * A parse error past the end of what the block shows (on its closing fence, or past the last
 * character of a line: where only the verifier's wrapper is) means the block, or one input of
 * a session, ends before its expression does. Say so at that line, never "unexpected ')'"
 * from a wrapper the reader cannot see. Undefined for an error inside the code. Pure.
 */
export function endsEarly(block: Block, diagnostic: Diagnostic): Diagnostic | undefined {
  const place = diagnostic.place;
  if (!place || diagnostic.file !== block.page) return undefined;
  const lines = block.code.split('\n');
  let index = place.line - block.codeLine;
  if (index < 0) return undefined;
  if (index < lines.length && place.column <= block.codeColumn - 1 + lines[index]!.trimEnd().length) return undefined;
  if (index >= lines.length) {
    index = lines.length - 1;
    while (index > 0 && lines[index]!.trim() === '') index--;
  }
  const chunks: Chunk[] = block.annotation.role === 'lint' ? partialCode(block.code, 'expression').chunks : [];
  const chunk = chunks.find((c) => c.first <= index && index <= c.last) ?? { kind: 'code', first: 0, last: index };
  const reason = gapReason(block.code, { ...chunk, last: index }, diagnostic.reason, (line) => block.codeLine + line);
  const { notes: _notes, ...rest } = diagnostic;
  return { ...rest, reason, place: { line: block.codeLine + index, column: block.codeColumn + lines[index]!.trimEnd().length } };
}

/** A cached parse answer: Nix's error, or null for a file that parsed. */
function isParseAnswer(value: unknown): value is { error: string | null } {
  const error = (value as { error?: unknown } | null)?.error;
  return error === null || typeof error === 'string';
}
