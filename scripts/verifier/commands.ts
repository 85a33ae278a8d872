/**
 * Command blocks: `$ nix …` lines, each followed by the output it must print. Pure.
 */
import { split } from 'shlex';

export interface ReaderCommand {
  /** The command as the reader types it, without `$ `. */
  text: string;
  argv: string[];
  expected: string;
  /** 0-based line of the `$` line inside the block. */
  offset: number;
}

/** Subcommands that only read, evaluate or build: nothing that runs programs or changes the system. */
const READ_ONLY = new Set([
  'eval',
  'build',
  'path-info',
  'why-depends',
  'derivation show',
  'show-derivation',
  'flake show',
  'flake metadata',
  'flake info',
  'flake check',
]);

export type CommandParse = { ok: true; commands: ReaderCommand[] } | { ok: false; offset: number; reason: string };

export function parseCommandBlock(code: string): CommandParse {
  const lines = code.split('\n');
  const commands: ReaderCommand[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.startsWith('$ ')) {
      if (commands.length === 0 && line.trim() !== '') {
        return { ok: false, offset: i, reason: 'A command block starts with a `$ nix …` line; its output follows it.' };
      }
      continue;
    }
    let text = line.slice(2);
    const start = i;
    while (text.endsWith('\\') && i + 1 < lines.length) text = text.slice(0, -1) + lines[++i]!.trim();
    const words = plainWords(text);
    if (!words) {
      return {
        ok: false,
        offset: start,
        reason: 'Only plain `nix …` commands can be run (no pipes, redirections, globs or variables). Show such a command in a block with `skip="REASON"`.',
      };
    }
    if (words[0] !== 'nix') {
      return { ok: false, offset: start, reason: `Only \`nix\` commands can be run here, not \`${words[0]}\`. Exempt the block with \`skip="REASON"\`.` };
    }
    if (!READ_ONLY.has(words[1] ?? '') && !READ_ONLY.has(`${words[1]} ${words[2]}`)) {
      return {
        ok: false,
        offset: start,
        reason: `\`nix ${words[1] ?? ''}\` is not run by the verifier: it runs only commands that read or build (${[...READ_ONLY].map((c) => `\`nix ${c}\``).join(', ')}). Exempt the block with \`skip="REASON"\`.`,
      };
    }
    const output: string[] = [];
    while (i + 1 < lines.length && !lines[i + 1]!.startsWith('$ ')) output.push(lines[++i]!);
    commands.push({ text, argv: words, expected: normaliseOutput(output.join('\n')), offset: start });
  }
  if (commands.length === 0) return { ok: false, offset: 0, reason: 'This command block has no `$ nix …` line.' };
  return { ok: true, commands };
}

/** The words of a command without shell operators, expansions or unbalanced quotes; else undefined. */
function plainWords(text: string): string[] | undefined {
  const unquoted = text.replace(/'[^']*'|"(?:[^"\\]|\\.)*"/g, '');
  if (/[|&;<>`$*?(){}]|(^|\s)#/.test(unquoted)) return undefined;
  try {
    return split(text);
  } catch {
    return undefined;
  }
}

/** Output is compared line by line, ignoring trailing spaces and blank lines at the ends. */
export function normaliseOutput(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
}
