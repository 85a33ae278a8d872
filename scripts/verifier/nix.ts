/**
 * The one module that runs Nix. Everything else hands it paths and reads back text.
 *
 * Works with Nix 2.8 (Debian 12) and modern Nix: the flags it uses are probed, not assumed,
 * and every call gets the experimental features it needs, no import-from-derivation and a
 * timeout.
 */
import { $, type ProcessOutput } from 'zx';

export interface NixRunner {
  version: string;
  /** Flags added to every `nix` call. */
  flags: string[];
  timeout: `${number}s`;
  /** Told about every Nix call once it ends (the benchmark replays them). */
  onCall?: (call: NixCall) => void;
}

export interface NixCall {
  argv: string[];
  cwd: string | undefined;
  ms: number;
}

export interface NixResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

const FEATURES = ['--extra-experimental-features', 'nix-command flakes'];

/** Finds Nix and the flags it supports, or says what is wrong. */
export async function detectNix(timeout: NixRunner['timeout']): Promise<NixRunner | { problem: string }> {
  const version = await $({ quiet: true, nothrow: true })`nix --version`;
  if (version.exitCode !== 0) {
    return {
      problem:
        'Nix is not installed or not on PATH (`nix --version` failed). Install it (Debian: `apt-get install nix-bin`, or see scripts/setup-machine.sh) and run again.',
    };
  }
  const number = /(\d+\.\d+(?:\.\d+)?)/.exec(version.stdout)?.[1] ?? version.stdout.trim();

  // One probe tells whether the store is usable and which settings this Nix knows.
  const probe = await $({ quiet: true, nothrow: true })`nix ${FEATURES} eval --option allow-import-from-derivation false --expr 1`;
  if (probe.exitCode !== 0) {
    return {
      problem: `Nix ${number} cannot evaluate a trivial expression:\n${probe.stderr.trim()}\nAs root without a daemon, set NIX_CONFIG to "build-users-group =" and "sandbox = false" (scripts/setup-machine.sh does this).`,
    };
  }
  const flags = [...FEATURES];
  if (!/unknown setting 'allow-import-from-derivation'/.test(probe.stderr)) {
    flags.push('--option', 'allow-import-from-derivation', 'false');
  }
  return { version: number, flags, timeout };
}

async function run(nix: NixRunner, args: string[], options: { cwd?: string } = {}): Promise<NixResult> {
  const started = performance.now();
  const result: ProcessOutput = await $({
    quiet: true,
    nothrow: true,
    timeout: nix.timeout,
    // Nix checks for SIGTERM only now and then while it evaluates; a runaway evaluation
    // must stop on time.
    timeoutSignal: 'SIGKILL',
    ...(options.cwd ? { cwd: options.cwd } : {}),
  })`${args}`;
  nix.onCall?.({ argv: args, cwd: options.cwd, ms: performance.now() - started });
  const timedOut = result.signal === 'SIGKILL';
  return {
    ok: result.exitCode === 0,
    stdout: result.stdout,
    stderr: timedOut ? `error: Nix did not finish within ${nix.timeout} and was stopped. If it needs longer, raise --timeout.\n` : result.stderr,
    timedOut,
  };
}

/**
 * Parses files with Nix's own parser, which also reports undefined variables. Runs one
 * process for all of them; when one fails, it is set aside and the rest run again, so the
 * number of processes is one plus the number of broken files.
 */
export async function parseFiles(nix: NixRunner, paths: readonly string[]): Promise<Map<string, string>> {
  const failures = new Map<string, string>();
  let pending = [...paths];
  while (pending.length > 0) {
    const result = await run(nix, ['nix-instantiate', '--parse', ...pending]);
    if (result.ok) break;
    const culprit = pending.find((p) => result.stderr.includes(`${p}:`)) ?? (pending.length === 1 ? pending[0] : undefined);
    if (!culprit) {
      for (const p of pending) failures.set(p, result.stderr);
      break;
    }
    failures.set(culprit, result.stderr);
    pending = pending.filter((p) => p !== culprit);
  }
  return failures;
}

/** `nix eval --json` of a flake output, with inputs overridden. */
export async function evalFlake(
  nix: NixRunner,
  flakeRef: string,
  overrides: ReadonlyArray<[string, string]>,
): Promise<NixResult> {
  const overrideFlags = overrides.flatMap(([input, ref]) => ['--override-input', input, ref]);
  return run(nix, ['nix', ...nix.flags, 'eval', '--json', '--show-trace', '--no-write-lock-file', ...overrideFlags, flakeRef]);
}

/** Realises store derivations (fetch: fixed-output sources; build: packages). */
export async function realise(nix: NixRunner, drvPaths: readonly string[]): Promise<NixResult> {
  return run(nix, ['nix-store', '--realise', ...drvPaths]);
}

/** Resolves a flake reference to its locked form (needs the network for remote refs). */
export async function flakeMetadata(nix: NixRunner, ref: string): Promise<NixResult> {
  return run(nix, ['nix', ...nix.flags, 'flake', 'metadata', '--json', '--no-write-lock-file', ref]);
}

/**
 * Runs a reader's `nix …` command in a flake directory. Our flags go right after the
 * subcommand words, so the reader's own arguments are passed as written.
 */
export async function runReaderCommand(
  nix: NixRunner,
  argv: readonly string[],
  cwd: string,
  overrides: ReadonlyArray<[string, string]>,
): Promise<NixResult> {
  const [, ...rest] = argv;
  const subcommand = rest.findIndex((arg) => arg.startsWith('-') || arg.includes('.') || arg.includes('#'));
  const head = subcommand === -1 ? rest : rest.slice(0, subcommand);
  const tail = subcommand === -1 ? [] : rest.slice(subcommand);
  const overrideFlags = overrides.flatMap(([input, ref]) => ['--override-input', input, ref]);
  return run(nix, ['nix', ...nix.flags, ...head, '--no-write-lock-file', ...overrideFlags, ...tail], { cwd });
}
