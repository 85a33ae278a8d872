/**
 * What a command block may run: an allowlist of `nix` subcommands, of flags and of
 * installables. A command block runs in the assembled flake, with pure evaluation and the
 * verifier's own input overrides; nothing it names may reach outside that flake, run a
 * program or write a file. Pure.
 */

/** Subcommands that only read, evaluate or build: nothing that runs programs or changes the system. */
const SUBCOMMANDS = [
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
] as const;

/**
 * Flags that only choose what is evaluated or printed, by the number of values each takes.
 * Left out on purpose, among others: `--impure`, `--option`, `--expr`, `--file`, `--include`,
 * `--arg`, `--argstr`, `--store`, `--eval-store`, `--override-input`, `--update-input`,
 * `--reference-lock-file`, `--output-lock-file`, `--write-to`, `--out-link`, and `--` (after
 * which words are not flags). Nix itself refuses a flag that its subcommand does not take.
 */
const FLAGS = new Map<string, number>([
  ['--apply', 1],
  ['--json', 0],
  ['--raw', 0],
  ['--read-only', 0],
  ['--no-link', 0],
  ['--print-out-paths', 0],
  ['--dry-run', 0],
  ['--print-build-logs', 0],
  ['-L', 0],
  ['--show-trace', 0],
  ['--keep-going', 0],
  ['-k', 0],
  ['--all-systems', 0],
  ['--no-build', 0],
  ['--legacy', 0],
  ['--derivation', 0],
  ['--recursive', 0],
  ['-r', 0],
  ['--size', 0],
  ['-s', 0],
  ['--closure-size', 0],
  ['-S', 0],
  ['--all', 0],
  ['--precise', 0],
  ['--quiet', 0],
  ['--verbose', 0],
  ['-v', 0],
  ['--offline', 0],
  ['--no-update-lock-file', 0],
  ['--no-write-lock-file', 0],
]);

/** The assembled flake itself (`.`) or one of its outputs (`.#ATTRIBUTE.PATH`, `.#pkg^out`). */
const INSTALLABLE = /^\.(?:#[\w.'"+\-^,*]*)?$/;

const EXEMPT = 'To show it without running it, exempt the block with `skip="REASON"`.';

export interface CommandProblem {
  /** Index of the offending word in argv. */
  index: number;
  reason: string;
}

/** Why `argv` (a `$ …` line split into words) may not be run, or undefined when it may. */
export function commandProblem(argv: readonly string[]): CommandProblem | undefined {
  if (argv[0] !== 'nix') {
    return { index: 0, reason: `Only \`nix\` commands can be run here, not \`${argv[0] ?? ''}\`. ${EXEMPT}` };
  }
  const first = argv[1] ?? '';
  if (first.startsWith('-')) {
    return flagProblem(first, 1) ?? { index: 1, reason: `Write the subcommand first, then its options: \`nix eval ${first} …\`, not \`nix ${first} eval …\`.` };
  }
  const two = `${first} ${argv[2] ?? ''}`;
  const subcommand = SUBCOMMANDS.find((s) => s === two) ?? SUBCOMMANDS.find((s) => s === first);
  if (!subcommand) {
    return {
      index: 1,
      reason: `\`nix ${first}\` is not run by the verifier: it runs only commands that read or build (${SUBCOMMANDS.map((c) => `\`nix ${c}\``).join(', ')}). ${EXEMPT}`,
    };
  }
  for (let i = 1 + subcommand.split(' ').length; i < argv.length; i++) {
    const word = argv[i]!;
    if (word.startsWith('-') && word !== '-') {
      const problem = flagProblem(word, i);
      if (problem) return problem;
      const values = FLAGS.get(word)!;
      if (i + values >= argv.length) return { index: i, reason: `\`${word}\` needs a value, e.g. \`--apply 'x: x'\`.` };
      i += values;
    } else if (!INSTALLABLE.test(word)) {
      return {
        index: i,
        reason: `\`${word}\` is not part of the assembled flake. A command block may name only the flake itself, \`.\`, or its outputs, \`.#ATTRIBUTE\`: no other flakes (\`nixpkgs#…\`, \`github:…\`, \`path:…\`), files or paths. ${EXEMPT}`,
      };
    }
  }
  return undefined;
}

function flagProblem(word: string, index: number): CommandProblem | undefined {
  if (FLAGS.has(word)) return undefined;
  return {
    index,
    reason: `\`${word}\` is not allowed in a command block: the verifier runs commands in the assembled flake, purely, with read-only options only (${[...FLAGS.keys()].map((f) => `\`${f}\``).join(', ')}). ${EXEMPT}`,
  };
}
