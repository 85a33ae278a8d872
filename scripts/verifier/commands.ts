/**
 * Command blocks: `$ nix …` lines, each followed by the output it must print. Pure.
 * What a command may run is decided by `command-policy.ts`.
 */
import { commandProblem } from './command-policy.ts';

export interface ReaderCommand {
  /** The command as the reader types it, without `$ `. */
  text: string;
  argv: string[];
  expected: string;
  /** 0-based line of the `$` line inside the block. */
  offset: number;
}

export type CommandParse = { ok: true; commands: ReaderCommand[] } | { ok: false; offset: number; reason: string };

export function parseCommandBlock(code: string): CommandParse {
  const scanned = scanCommands(code, '`$ nix …`');
  if (!scanned.ok) return scanned;
  const commands: ReaderCommand[] = [];
  for (const { text, start, continued, expected } of scanned.entries) {
    const words = plainWords(text);
    if (!words) {
      return {
        ok: false,
        offset: start,
        reason: 'Only plain `nix …` commands can be run (no pipes, redirections, globs or variables). Show such a command in a block with `skip="REASON"`.',
      };
    }
    const argv = words.map((w) => w.word);
    const problem = commandProblem(argv);
    if (problem) {
      const at = words[problem.index]?.at ?? 0;
      const offset = continued.findLast((c) => c.at <= at)?.offset ?? start;
      return { ok: false, offset, reason: problem.reason };
    }
    commands.push({ text, argv, expected, offset: start });
  }
  return { ok: true, commands };
}

/**
 * A command block run inside a booted system (`host="hero"`): each `$ ` line is a shell command
 * as the reader types it, followed by what it prints. Any shell line may be run there: the
 * virtual machine has no network and no access to the host. A leading `sudo` is dropped, since
 * the machine's commands run as root. Pure.
 */
export function parseMachineCommandBlock(code: string): CommandParse {
  const scanned = scanCommands(code, '`$ …`');
  if (!scanned.ok) return scanned;
  return { ok: true, commands: scanned.entries.map(({ text, start, expected }) => ({ text: text.replace(/^sudo\s+/, ''), argv: [], expected, offset: start })) };
}

interface ScannedCommand {
  /** The command, its continuation lines (`\\` at the end of a line) joined. */
  text: string;
  /** 0-based line of its `$` line. */
  start: number;
  /** Where each continuation line starts in `text`, to point at the line of a bad word. */
  continued: Array<{ at: number; offset: number }>;
  expected: string;
}

/** The `$ ` lines of a command block, each with the output lines that follow it. */
function scanCommands(code: string, form: string): { ok: true; entries: ScannedCommand[] } | { ok: false; offset: number; reason: string } {
  const lines = code.split('\n');
  const entries: ScannedCommand[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.startsWith('$ ')) {
      if (entries.length === 0 && line.trim() !== '') return { ok: false, offset: i, reason: `A command block starts with a ${form} line; its output follows it.` };
      continue;
    }
    let text = line.slice(2);
    const start = i;
    const continued: Array<{ at: number; offset: number }> = [];
    while (text.endsWith('\\') && i + 1 < lines.length) {
      text = text.slice(0, -1);
      continued.push({ at: text.length, offset: ++i });
      text += lines[i]!.trim();
    }
    const output: string[] = [];
    while (i + 1 < lines.length && !lines[i + 1]!.startsWith('$ ')) output.push(lines[++i]!);
    entries.push({ text, start, continued, expected: normaliseOutput(output.join('\n')) });
  }
  if (entries.length === 0) return { ok: false, offset: 0, reason: `This command block has no ${form} line.` };
  return { ok: true, entries };
}

/** The words of a command without shell operators, expansions or unbalanced quotes; else undefined. */
function plainWords(text: string): ShellWord[] | undefined {
  const unquoted = text.replace(/'[^']*'|"(?:[^"\\]|\\.)*"/g, '');
  if (/[|&;<>`$*?(){}]|(^|\s)#/.test(unquoted)) return undefined;
  return shellWords(text);
}

export interface ShellWord {
  word: string;
  /** Index in the text where the word starts. */
  at: number;
}

/**
 * Splits a line into words as a POSIX shell does, for a line with no operators or
 * expansions: quotes and backslashes. Undefined for an unbalanced quote or a final backslash.
 */
export function shellWords(text: string): ShellWord[] | undefined {
  const words: ShellWord[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    const at = i;
    let word = '';
    while (i < text.length && !/\s/.test(text[i]!)) {
      const c = text[i]!;
      if (c === "'") {
        const end = text.indexOf("'", i + 1);
        if (end === -1) return undefined;
        word += text.slice(i + 1, end);
        i = end + 1;
      } else if (c === '"') {
        for (i++; text[i] !== '"'; i++) {
          if (i >= text.length) return undefined;
          if (text[i] === '\\' && '"\\$`'.includes(text[i + 1] ?? '')) i++;
          word += text[i];
        }
        i++;
      } else if (c === '\\') {
        if (i + 1 >= text.length) return undefined;
        word += text[i + 1];
        i += 2;
      } else {
        word += c;
        i++;
      }
    }
    words.push({ word, at });
  }
  return words;
}

/** Output is compared line by line, ignoring trailing spaces and blank lines at the ends. */
export function normaliseOutput(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
}

/**
 * Whether a command printed what its block shows. An ellipsis `…` in the shown output stands
 * for any text within its line (a version or a size that differs from system to system). Pure.
 */
export function outputMatches(expected: string, printed: string): boolean {
  const actual = normaliseOutput(printed);
  if (!expected.includes('…')) return actual === expected;
  const pattern = expected
    .split('…')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^\\n]*');
  return new RegExp(`^${pattern}$`).test(actual);
}
