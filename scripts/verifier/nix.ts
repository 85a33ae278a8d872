/**
 * The one module that runs Nix. Everything else hands it paths and reads back text.
 *
 * Works with Nix 2.8 (Debian 12) and modern Nix: the flags it uses are probed, not assumed,
 * and every call gets the experimental features it needs, no import-from-derivation and a
 * timeout.
 */
import { spawn } from 'node:child_process';

export interface NixRunner {
  version: string;
  /** Flags added to every `nix` call. */
  flags: string[];
  /** Flags added to builds: none from a binary cache for the stand-in, whose builds no cache holds. */
  realiseFlags?: string[];
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
  /**
   * Set when the process tells nothing about the snippets: it did not start, was killed, or
   * failed without saying why. An environment problem, never a verdict, and never cached.
   */
  fault?: string;
}

const FEATURES = ['--extra-experimental-features', 'nix-command flakes'];

/** Linux refuses a command line past about 2 MiB, and any one argument past 128 KiB. */
const MAX_ARGS_BYTES = 96 * 1024;

/** Process groups of running Nix calls, so an interrupt can stop them all. */
const running = new Set<number>();

/** Stops every Nix call still running (SIGKILL to its process group); for signal handlers. */
export function killRunningSync(): void {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  running.clear();
}

/**
 * Runs one program directly (no shell, so no quoting and no single-argument limit), in its
 * own process group, which is killed whole on timeout.
 */
export function spawnProcess(argv: readonly string[], options: { cwd?: string; timeoutMs: number }): Promise<NixResult> {
  return new Promise((resolve) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    let settled = false;
    const done = (result: NixResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const child = spawn(argv[0]!, argv.slice(1), {
      ...(options.cwd ? { cwd: options.cwd } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    if (child.pid) running.add(child.pid);
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }, options.timeoutMs);
    child.stdout.on('data', (d: Buffer) => stdout.push(d));
    child.stderr.on('data', (d: Buffer) => stderr.push(d));
    child.on('error', (error) => {
      clearTimeout(timer);
      if (child.pid) running.delete(child.pid);
      done({ ok: false, stdout: '', stderr: '', timedOut: false, fault: `\`${argv[0]}\` could not be started: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (child.pid) running.delete(child.pid);
      const out = Buffer.concat(stdout).toString('utf8');
      const err = Buffer.concat(stderr).toString('utf8');
      const base = { ok: code === 0, stdout: out, stderr: err, timedOut };
      if (timedOut) return done({ ...base, ok: false });
      if (signal) return done({ ...base, ok: false, fault: `\`${argv[0]}\` was killed by ${signal}${err.trim() ? `:\n${err.trim()}` : '.'}` });
      if (code !== 0 && !err.trim()) return done({ ...base, fault: `\`${argv[0]}\` failed with exit code ${code} and said nothing.` });
      done(base);
    });
  });
}

/** Finds Nix and the flags it supports, or says what is wrong. */
export async function detectNix(timeout: NixRunner['timeout']): Promise<NixRunner | { problem: string }> {
  const timeoutMs = parseFloat(timeout) * 1000;
  const version = await spawnProcess(['nix', '--version'], { timeoutMs });
  if (!version.ok) {
    return {
      problem: `Nix is not installed or not on PATH (\`nix --version\` failed${version.fault ? `: ${version.fault}` : version.timedOut ? ': it did not answer in time' : ''}). Install it (Debian: \`apt-get install nix-bin\`, or see scripts/setup-machine.sh) and run again.`,
    };
  }
  const number = /(\d+\.\d+(?:\.\d+)?)/.exec(version.stdout)?.[1] ?? version.stdout.trim();

  // One probe tells whether the store is usable and which settings this Nix knows.
  const probe = await spawnProcess(['nix', ...FEATURES, 'eval', '--option', 'allow-import-from-derivation', 'false', '--expr', '1'], { timeoutMs });
  if (!probe.ok) {
    return {
      problem: `Nix ${number} cannot evaluate a trivial expression:\n${(probe.fault ?? probe.stderr).trim() || (probe.timedOut ? `it did not answer within ${timeout}` : '')}\nAs root without a daemon, set NIX_CONFIG to "build-users-group =" and "sandbox = false" (scripts/setup-machine.sh does this).`,
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
  const result = await spawnProcess(args, { ...options, timeoutMs: parseFloat(nix.timeout) * 1000 });
  nix.onCall?.({ argv: args, cwd: options.cwd, ms: performance.now() - started });
  if (result.timedOut) {
    return { ...result, stderr: `error: Nix did not finish within ${nix.timeout} and was stopped. If it needs longer, raise --timeout.\n` };
  }
  return result;
}

/** Splits arguments into runs whose total size stays under what one command line may hold. */
export function batches(args: readonly string[], maxBytes = MAX_ARGS_BYTES): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const arg of args) {
    const bytes = Buffer.byteLength(arg) + 1;
    if (current.length && size + bytes > maxBytes) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(arg);
    size += bytes;
  }
  if (current.length) out.push(current);
  return out;
}

/**
 * Parses files with Nix's own parser, which also reports undefined variables. Runs one
 * process per batch of files that fits a command line; when one file fails, the process
 * starts again after it, so the number of processes is the batches plus the broken files.
 * A process that fails without naming a file is a fault, never a pass.
 */
export async function parseFiles(nix: NixRunner, paths: readonly string[]): Promise<{ failures: Map<string, string>; fault?: string }> {
  const failures = new Map<string, string>();
  for (const batch of batches(paths)) {
    let pending = batch;
    while (pending.length > 0) {
      const result = await run(nix, ['nix-instantiate', '--parse', ...pending]);
      if (result.fault || result.timedOut) return { failures, fault: result.fault ?? result.stderr.trim() };
      if (result.ok) break;
      const culprit = pending.find((p) => result.stderr.includes(`${p}:`)) ?? (pending.length === 1 ? pending[0] : undefined);
      if (!culprit) return { failures, fault: `nix-instantiate --parse failed without naming a file:\n${result.stderr.trim()}` };
      failures.set(culprit, result.stderr);
      // Carry on after the broken file; those before it parsed.
      pending = pending.slice(pending.indexOf(culprit) + 1);
    }
  }
  return { failures };
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
  return run(nix, ['nix-store', '--realise', ...(nix.realiseFlags ?? []), ...drvPaths]);
}

/** The store paths among `paths` that are not valid (not in the store). */
export async function invalidPaths(nix: NixRunner, paths: readonly string[]): Promise<{ invalid: Set<string>; fault?: string }> {
  const result = await run(nix, ['nix-store', '--check-validity', '--print-invalid', ...paths]);
  if (!result.ok) return { invalid: new Set(), fault: result.fault ?? result.stderr.trim() };
  return { invalid: new Set(result.stdout.split('\n').filter(Boolean)) };
}

/** Adds a file (`flat`) or a tree (`recursive`) to the store as Nix hashes it; returns its path. */
export async function addFixed(nix: NixRunner, path: string, method: 'flat' | 'recursive'): Promise<NixResult> {
  return run(nix, ['nix-store', '--add-fixed', ...(method === 'recursive' ? ['--recursive'] : []), 'sha256', path]);
}

/** The build log Nix kept for a derivation. */
export async function readLog(nix: NixRunner, drvPath: string): Promise<NixResult> {
  return run(nix, ['nix-store', '--read-log', drvPath]);
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
