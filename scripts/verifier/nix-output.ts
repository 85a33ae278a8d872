/**
 * Reading Nix's error output and mapping it back to the pages. Pure.
 *
 * Nix prints an error as a message plus positions (`at /path/file.nix:12:5:`). Nix 2.8
 * prints the message first and trace frames after it; Nix >= 2.13 prints `error:`, then the
 * trace from the outside in, then the innermost `error: message` last. Either way the
 * position nearest to the message is the most precise one.
 */
import type { AssembledFile, AssembledFlake, Diagnostic, Point } from './types.ts';

export interface NixPosition {
  path: string;
  line: number;
  column: number;
}

export interface NixError {
  /** The innermost message, without the `error:` prefix, dedented. */
  message: string;
  /** Positions, nearest to the message first. */
  positions: NixPosition[];
}

/**
 * `at PATH:LINE:COL`, where PATH may start with an input in «…»: Determinate Nix and Nix 2.32+
 * write `«path:/dir?narHash=…»/file.nix` for a file of a `path:` flake, and
 * `«github:owner/repo/rev»/file.nix` for one of a fetched flake.
 */
const POSITION = /(?:^|\s)at (?:«(?<input>[^»]*)»)?(?<path>\/?[^\s:«»]+):(?<line>\d+):(?<column>\d+):?\s*$/;
/**
 * `FILE:LINE[:COL]` inside a message: nixpkgs' callPackage names the package file, and Nix
 * names a second place ("already defined at …").
 */
const EMBEDDED_POSITION = /(?<path>\/[^\s:'"`«»]+\.nix):(?<line>\d+)(?::(?<column>\d+))?/g;
// A line that starts an error or a trace frame (Nix >= 2.13 prints `…`, older `...`).
const ERROR_LINE = /^\s*error:\s?(?<rest>.*)$/;
const FRAME_LINE = /^\s*(?:…|\.\.\.) /;
const CODE_LINE = /^\s*\d*\s*\|/;
/**
 * Errors that only sum up others: a build that failed because a dependency did, and the
 * closing line of a failed build. The cause is another error of the same output.
 */
const SUMMARY = [
  /^\d+ dependenc(?:y|ies) (?:of derivation '[^']*' )?failed(?: to build)?/,
  /^build of .* failed$/,
  /^Build failed due to failed dependenc/,
  /^Cannot build '[^']*'\.\s*Reason: \d+ dependenc(?:y|ies) failed/,
];

/** Where a position's file is: a real path, or `«input»/file` for an input that is not one. */
function positionPath(input: string | undefined, path: string): string {
  if (input === undefined) return path;
  if (input.startsWith('path:')) return `${decodeURIComponent(input.slice('path:'.length).replace(/\?.*$/, ''))}/${path.replace(/^\//, '')}`;
  return `«${input}»${path}`;
}

/** The message that starts at line `at`: what follows `error:`, and its continuation lines. */
function messageAt(lines: readonly string[], at: number): { text: string; end: number } {
  const first = ERROR_LINE.exec(lines[at]!)!.groups!.rest!.trim();
  const message = first ? [first] : [];
  let end = at + 1;
  for (; end < lines.length; end++) {
    const line = lines[end]!;
    if (line.trim() === '' || POSITION.test(line) || FRAME_LINE.test(line) || CODE_LINE.test(line) || ERROR_LINE.test(line)) break;
    message.push(line.trim());
  }
  return { text: message.join('\n'), end };
}

export function parseNixError(stderr: string): NixError {
  // Nix's advice when run without --show-trace is not part of the error.
  const lines = stripAnsi(stderr)
    .split('\n')
    .filter((line) => !/^\s*\(use '--show-trace' to show detailed location information\)\s*$/.test(line));
  // Every `error:` with a message of its own (an empty one heads a trace, in newer Nix, unless
  // lines like NixOS's "Failed assertions:" follow it); the cause is the last that is not a
  // summary of another.
  const errors = lines.flatMap((line, i) => {
    if (!ERROR_LINE.test(line)) return [];
    const { text, end } = messageAt(lines, i);
    return text ? [{ at: i, text, end }] : [];
  });
  const causes = errors.filter((e) => !SUMMARY.some((summary) => summary.test(e.text.replace(/\n/g, ' '))));
  const main = causes.at(-1) ?? errors.at(-1);
  if (!main) {
    return { message: stripAnsi(stderr).trim() || 'Nix failed without a message.', positions: [] };
  }
  const end = main.end;
  const message = [main.text];

  const at = (i: number): NixPosition | undefined => {
    const m = POSITION.exec(lines[i]!)?.groups;
    return m ? { path: positionPath(m.input, m.path!), line: Number(m.line), column: Number(m.column) } : undefined;
  };
  // The error's own positions, its code frame, and a hint after the frame ("Did you mean …").
  const own: NixPosition[] = [];
  let i = end;
  for (; i < lines.length && !FRAME_LINE.test(lines[i]!) && !ERROR_LINE.test(lines[i]!); i++) {
    const line = lines[i]!;
    const p = at(i);
    if (p) own.push(p);
    else if (/^\s*Did you mean\b/.test(line)) message.push(line.trim());
  }
  const text = message.join('\n');
  const embedded = [...text.matchAll(EMBEDDED_POSITION)].map((m) => ({
    path: m.groups!.path!,
    line: Number(m.groups!.line),
    column: Number(m.groups!.column ?? 1),
  }));
  // Frames nearest the message: after it (Nix 2.8) or before it, walking outwards (newer Nix).
  const before: NixPosition[] = [];
  for (let j = main.at - 1; j >= 0; j--) {
    const p = at(j);
    if (p) before.push(p);
  }
  const after: NixPosition[] = [];
  for (let j = end; j < lines.length; j++) {
    const p = at(j);
    if (p && !own.includes(p)) after.push(p);
  }
  const trace = main.at > 0 && before.length ? before : after.filter((p) => !own.some((o) => same(o, p)));
  return { message: text, positions: dedupe([...own, ...embedded, ...trace]) };
}

/** Where assembled flakes live, on disk and in the store. */
export interface SourceIndex {
  /** Directory or store path -> flake whose tree it holds. */
  roots: ReadonlyMap<string, AssembledFlake>;
}

export interface MappedPlace {
  file: string;
  place: Point;
  blockId?: string;
}

/** Maps a position in an assembled file to the page (or glue file) it came from. */
export function mapPosition(position: NixPosition, index: SourceIndex): MappedPlace | undefined {
  const found = fileAt(position.path, index);
  if (!found) return undefined;
  const lines = found.text.split('\n');
  // Current Nix puts an error at the end of a file on the line after its final newline
  // (Nix 2.8 put it past the last character): both mean the end of the last line.
  if (position.line === lines.length && lines.at(-1) === '' && lines.length > 1) {
    return mapPosition({ ...position, line: position.line - 1, column: lines.at(-2)!.length + 1 }, index);
  }
  const origin = found.origins[position.line - 1];
  if (!origin) return undefined;
  if (origin.kind === 'glue') return { file: origin.path, place: { line: origin.line, column: position.column } };
  return {
    file: origin.page,
    place: { line: origin.line, column: Math.max(1, position.column + origin.columnOffset) },
    blockId: origin.blockId,
  };
}

/** The text of the assembled line a position points at. */
function lineAt(position: NixPosition, index: SourceIndex): string | undefined {
  return fileAt(position.path, index)?.text.split('\n')[position.line - 1];
}

function fileAt(path: string, index: SourceIndex): AssembledFile | undefined {
  for (const [root, flake] of index.roots) {
    if (!path.startsWith(root + '/')) continue;
    const relative = path.slice(root.length + 1);
    return flake.files.find((f) => f.path === relative);
  }
  return undefined;
}

/**
 * Turns Nix's error output into a diagnostic at the page and line it came from.
 * `fallback` is where to report it when no position maps (e.g. the block or flake at hand).
 */
export function diagnoseNixError(
  stderr: string,
  index: SourceIndex,
  fallback: { file: string; place?: Point; blockId?: string },
  ruleId: string,
): Diagnostic {
  const error = parseNixError(stderr);
  // Messages that name a place without a line come first: Nix's own positions for them point
  // into nixpkgs, not at the reader's mistake.
  const named = [...optionDefinitions(error.message, index), ...missingPathReferences(error.message, index), ...moduleImports(error.message, error.positions, index)];
  const mapped = [...named, ...error.positions].map((p) => ({ p, m: mapPosition(p, index) }));
  // A missing attribute is at the line that spells it, when one of the positions is: Nix 2.8
  // names the set that lacks it first, which may be lines away.
  const missing = /attribute '([^']+)' missing/.exec(error.message)?.[1];
  const spells = (p: NixPosition) => (missing ? (lineAt(p, index)?.includes(missing) ?? false) : false);
  // A package called with the top-level callPackage lacks an argument only that call could
  // give (`kernelModuleMakeFlags`): the call is the mistake, not the package's argument list.
  const callSite = (p: NixPosition) => /called without required argument/.test(error.message) && /\bpkgs\.callPackage\b/.test(lineAt(p, index) ?? '');
  const primary = (mapped.find((x) => x.m && callSite(x.p)) ?? mapped.find((x) => x.m && spells(x.p)) ?? mapped.find((x) => x.m))?.m;
  const where = primary ?? fallback;
  const notes = mapped
    .filter((x) => x.m && x.m !== primary && !(x.m.file === where.file && x.m.place.line === where.place?.line))
    .map((x) => `also at ${x.m!.file}:${x.m!.place.line}:${x.m!.place.column}`);
  // Positions outside the guide (nixpkgs, the verifier's wrapper) help only when nothing else does.
  const unmapped = primary ? [] : mapped.filter((x) => !x.m).map((x) => `in ${x.p.path}:${x.p.line}:${x.p.column}`);
  return {
    reason: pagePaths(error.message, index),
    file: where.file,
    ...(where.place ? { place: where.place } : {}),
    ruleId,
    ...(where.blockId ? { blockId: where.blockId } : {}),
    ...(notes.length || unmapped.length ? { notes: [...new Set([...notes, ...unmapped.slice(0, 3)])] } : {}),
  };
}

/**
 * A message with the places it names in the flakes (`already defined at /nix/store/…-source/
 * flake.nix:12:5`, ``In `/nix/store/…-source/configuration.nix'``) told as the reader knows
 * them: a page and its line, or a glue file; never a scratch or store path. Pure.
 */
export function pagePaths(message: string, index: SourceIndex): string {
  let text = message;
  for (const [root, flake] of index.roots) {
    const pattern = new RegExp(`${escapeRegExp(root)}/([^\\s'’"\`:]+)(?::(\\d+)(?::(\\d+))?)?`, 'g');
    text = text.replace(pattern, (_whole, path: string, line?: string, column?: string) => {
      const file = flake.files.find((f) => f.path === path);
      if (!file) return path;
      if (line) {
        const mapped = mapPosition({ path: `${root}/${path}`, line: Number(line), column: Number(column ?? 1) }, index);
        if (mapped) return `${mapped.file}:${mapped.place.line}${column ? `:${mapped.place.column}` : ''}`;
      }
      // The whole file: the page of its one block, or its glue file; else its path in the flake.
      const sources = [...new Set(file.origins.map((o) => (o.kind === 'glue' ? o.path : o.page)))];
      return sources.length === 1 ? sources[0]! : path;
    });
  }
  return text;
}

/**
 * NixOS names a bad option and the file that defines it, but no line. Find the line:
 * the first binding in that file whose path ends like the option's path.
 */
export function optionDefinitions(message: string, index: SourceIndex): NixPosition[] {
  // Nix quotes option names as `…' (2.8) or ‘…’: the name may hold `"[definition 1-entry 2]"`.
  const named = /option [`‘]([^'’]+)['’]/.exec(message)?.[1] ?? /option "([^"]+)"/.exec(message)?.[1];
  if (!named) return [];
  // `boot.kernelModules.[definition 1-entry 2]` names an entry of a definition: the option is the rest.
  const option = named.replace(/\.?"?\[definition \d+(?:-entry \d+)?\]"?/g, '');
  const file = /In [`‘'"]([^'’"`]+)['’"`]/.exec(message)?.[1];
  // A module written inline (`In <unknown-file>`) is in some file of the flakes: look in all.
  const files: Array<{ path: string; text: string }> = [];
  if (file?.startsWith('/')) {
    const assembled = fileAt(file, index);
    if (assembled) files.push({ path: file, text: assembled.text });
  } else {
    for (const [root, flake] of index.roots) for (const f of flake.files) if (f.path.endsWith('.nix')) files.push({ path: `${root}/${f.path}`, text: f.text });
  }
  const parts = option.split('.');
  const bindings = (pattern: RegExp) =>
    files.flatMap((f) =>
      f.text.split('\n').flatMap((line, i) => {
        if (/^\s*#/.test(line)) return [];
        const m = pattern.exec(line);
        return m ? [{ path: f.path, line: i + 1, column: m.index + m[1]!.length + 1 }] : [];
      }),
    );
  // The whole path first, then shorter tails (a nested spelling: `systemd-boot.enable` inside
  // `boot.loader = { … }`); a lone last name only when one line binds it.
  for (let take = parts.length; take >= 1; take--) {
    const tail = parts.slice(parts.length - take).map(escapeRegExp).join('\\s*\\.\\s*');
    const found = bindings(new RegExp(`(^|[\\s{;.])(${tail})\\s*=(?!=)`));
    if (found.length && (take > 1 || parts.length === 1 || found.length === 1)) return [found[0]!];
  }
  // An option named by a prefix of what the page binds (`The option \`systemd' does not exist`).
  const prefix = bindings(new RegExp(`(^|[\\s{;])(${parts.map(escapeRegExp).join('\\s*\\.\\s*')})\\s*\\.`));
  return prefix.length ? [prefix[0]!] : [];
}

/**
 * A path that does not exist inside a flake (`directory = ../pkgs/linux-package;`): Nix
 * names the path but not the line. Find the line that spells it. Nix quotes the path as
 * `'…'` (2.8), `"…"` (2.34) or not at all ("reading directory /nix/store/…: …", 2.26).
 */
export function missingPathReferences(message: string, index: SourceIndex): NixPosition[] {
  for (const [, quoted, bare] of message.matchAll(/['‘`"](\/[^'’`"]+)['’`"]|(?:^|\s)(\/[^\s'’`":]+)/g)) {
    const path = quoted ?? bare;
    for (const [root, flake] of index.roots) {
      if (!path!.startsWith(root + '/')) continue;
      const relative = path!.slice(root.length + 1);
      if (flake.files.some((f) => f.path === relative)) continue;
      // The spelling a file of the flake would use for it: `./x` or `../pkgs/x` from its folder.
      for (const file of flake.files) {
        const spelt = relativeSpelling(file.path, relative);
        const lines = file.text.split('\n');
        const line = lines.findIndex((l) => !/^\s*#/.test(l) && new RegExp(`${escapeRegExp(spelt)}(?![\\w./-])`).test(l));
        if (line !== -1) return [{ path: `${root}/${file.path}`, line: line + 1, column: lines[line]!.indexOf(spelt) + 1 }];
      }
      const parts = relative.split('/');
      // At least a folder and a name: a lone last component matches too much (`package.nix`).
      for (let take = parts.length; take >= Math.min(2, parts.length); take--) {
        const needle = parts.slice(parts.length - take).join('/');
        for (const file of flake.files) {
          const lines = file.text.split('\n');
          const line = lines.findIndex((l) => !/^\s*#/.test(l) && new RegExp(`${escapeRegExp(needle)}(?![\\w./-])`).test(l));
          if (line !== -1) return [{ path: `${root}/${file.path}`, line: line + 1, column: lines[line]!.indexOf(needle) + 1 }];
        }
      }
    }
  }
  return [];
}

/** How the file at `from` names `to` with a relative path (both relative to the flake's root). */
/**
 * A file that is no NixOS module, imported as one (a package file in `modules = [ … ]`): the
 * module system calls it with `config`, which it does not take. The mistake is the line that
 * imports it, not the file's first line.
 */
export function moduleImports(message: string, positions: readonly NixPosition[], index: SourceIndex): NixPosition[] {
  if (!/called with unexpected argument '(config|options|modulesPath|specialArgs)'/.test(message)) return [];
  for (const position of positions) {
    for (const [root, flake] of index.roots) {
      if (!position.path.startsWith(`${root}/`)) continue;
      const target = position.path.slice(root.length + 1);
      for (const file of flake.files) {
        if (file.path === target) continue;
        const spelt = relativeSpelling(file.path, target);
        const lines = file.text.split('\n');
        // In a list of modules (`modules = [ … ]`, `imports = [ … ]`), not in a call of the file.
        const before = (i: number) => [...lines.slice(0, i), lines[i]!.slice(0, lines[i]!.indexOf(spelt))].join('\n');
        const inModules = (i: number) => /(?:modules|imports)\s*=\s*\[[^\]]*$/.test(before(i));
        const line = lines.findIndex((l, i) => !/^\s*#/.test(l) && new RegExp(`${escapeRegExp(spelt)}(?![\\w./-])`).test(l) && inModules(i));
        if (line !== -1) return [{ path: `${root}/${file.path}`, line: line + 1, column: lines[line]!.indexOf(spelt) + 1 }];
      }
    }
  }
  return [];
}

function relativeSpelling(from: string, to: string): string {
  const up = from.split('/').slice(0, -1);
  const target = to.split('/');
  let common = 0;
  while (common < up.length && common < target.length - 1 && up[common] === target[common]) common++;
  const rest = target.slice(common).join('/');
  const ups = up.length - common;
  return ups === 0 ? `./${rest}` : `${'../'.repeat(ups)}${rest}`;
}

function same(a: NixPosition, b: NixPosition): boolean {
  return a.path === b.path && a.line === b.line && a.column === b.column;
}

function dedupe(positions: NixPosition[]): NixPosition[] {
  return positions.filter((p, i) => positions.findIndex((q) => same(p, q)) === i);
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function stripAnsi(s: string): string {
  // Colours and other CSI sequences (gcc's `ESC[K`), and the hyperlinks (OSC 8) that gcc
  // prints around option names.
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\u001b\]8;[^\u0007\u001b]*(?:\u0007|\u001b\\)/g, '');
}
