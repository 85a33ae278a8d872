/**
 * Reading a failed build's log: the compiler's first errors, with their file and line inside
 * the upstream tree, instead of a store path or "builder failed". Pure.
 */
import { stripAnsi } from './nix-output.ts';

/** `file:line:col: error: message` (gcc, clang) and kbuild's `ERROR: modpost: …`. */
const COMPILER_ERROR = /^(?<file>[^\s:]+):(?<line>\d+):(?:(?<column>\d+):)? (?:fatal )?error: (?<message>.*)$/;
const MODPOST_ERROR = /^ERROR: modpost: (?<message>.*)$/;
/** The build directory: `/build` in a sandbox, `$TMPDIR/nix-build-NAME.drv-N` without one. */
const BUILD_DIR = /^(?:\/build|\/[^\s]*?\/nix-build-[^/\s]+)\/[^/\s]+\//;

export interface BuildError {
  /** The first errors, as `events.c:129:15: error: …`, paths relative to the source tree. */
  errors: string[];
  /** The log's last lines, when no compiler error was recognised. */
  tail: string[];
}

/**
 * The phase a build failed in: the last one the log says it ran (`Running phase: patchPhase`,
 * the generic builder's words since nixpkgs 24.05). Pure.
 */
export function failedPhase(log: string): string | undefined {
  return [...stripAnsi(log).matchAll(/^Running phase: (\w+)$/gm)].at(-1)?.[1];
}

export function buildErrors(log: string, max = 3): BuildError {
  const lines = stripAnsi(log).split('\n');
  const errors: string[] = [];
  for (const line of lines) {
    const c = COMPILER_ERROR.exec(line)?.groups;
    const m = MODPOST_ERROR.exec(line)?.groups;
    if (c) {
      const file = c.file!.replace(BUILD_DIR, '');
      errors.push(`${file}:${c.line}${c.column ? `:${c.column}` : ''}: error: ${c.message}`);
    } else if (m) {
      errors.push(`modpost: ${m.message!.replace(/\/[^\s]*?\/nix-build-[^/\s]+\/[^/\s]+\//g, '')}`);
    }
    if (errors.length === max) break;
  }
  const tail = errors.length ? [] : lines.filter((l) => l.trim()).slice(-12);
  return { errors, tail };
}
