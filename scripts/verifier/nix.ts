/**
 * The one module that runs Nix. Everything else hands it paths and reads back text.
 *
 * Works with Nix 2.8 (Debian 12) and modern Nix: the flags it uses are probed, not assumed,
 * and every call gets the experimental features it needs, no import-from-derivation and a
 * timeout.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface NixRunner {
  /** The Nix language version, e.g. `2.8.0`. */
  version: string;
  /** As reports name it: `Nix 2.8.0`, `Lix 2.93.0`, `Determinate Nix 3.6.2 (Nix 2.29.0)`. */
  name: string;
  /** Flags added to every `nix` call. */
  flags: string[];
  /** Flags added to builds: none from a binary cache for the stand-in, whose builds no cache holds. */
  realiseFlags?: string[];
  timeout: `${number}s`;
  /** Resident memory, in MiB, past which a Nix call is stopped. */
  memoryLimitMiB?: number;
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
/**
 * The environment Nix runs in: only what Nix itself reads (its settings, the store, certificates
 * and proxies for fetching, locale and temporary folder). Nothing else from the caller's
 * environment (tokens, NIX_PATH, ...) reaches Nix or what it evaluates. Pure.
 */
export function nixEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const keep = /^(PATH|HOME|USER|LOGNAME|TMPDIR|TZ|LANG|LC_[A-Z]+|XDG_(CONFIG|CACHE|DATA|STATE)_HOME|XDG_CONFIG_DIRS|SSL_CERT_FILE|NIX_SSL_CERT_FILE|NIX_CONFIG|NIX_CONF_DIR|NIX_USER_CONF_FILES|NIX_REMOTE|NIX_DAEMON_SOCKET_PATH|NIX_STORE_DIR|NIX_STATE_DIR|NIX_LOG_DIR|NIX_DATA_DIR|(http|https|ftp|all|no)_proxy|(HTTP|HTTPS|FTP|ALL|NO)_PROXY)$/;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined && keep.test(key)) out[key] = value;
  // Nix builds in a folder under TMPDIR, and kbuild cannot build in a path with a space (Nix's
  // sandbox gives builds `/build`): a TMPDIR with other characters than these is not passed on,
  // so builds go to /tmp, and the machine's TMPDIR never changes a result.
  if (out.TMPDIR !== undefined && !/^\/[A-Za-z0-9/._+-]*$/.test(out.TMPDIR)) delete out.TMPDIR;
  return out;
}

/** Resident memory of a process, in MiB, from /proc (undefined once it is gone). */
async function residentMiB(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const kib = status && /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  return kib ? Number(kib) / 1024 : undefined;
}

/** `nixEnvironment(process.env)`, made once: the environment does not change during a run. */
let scrubbed: Record<string, string> | undefined;

export interface SpawnOptions {
  cwd?: string;
  timeoutMs: number;
  /** Stop the process when its resident memory passes this many MiB. */
  memoryLimitMiB?: number;
}

/**
 * Runs one program directly (no shell, so no quoting and no single-argument limit), in its
 * own process group with a scrubbed environment, which is killed whole on timeout or when
 * it uses more memory than allowed.
 */
export function spawnProcess(argv: readonly string[], options: SpawnOptions): Promise<NixResult> {
  return new Promise((resolve) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    let overMemory: number | undefined;
    let settled = false;
    const done = (result: NixResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const child = spawn(argv[0]!, argv.slice(1), {
      ...(options.cwd ? { cwd: options.cwd } : {}),
      env: (scrubbed ??= nixEnvironment(process.env)),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const kill = () => {
      if (!child.pid) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    if (child.pid) running.add(child.pid);
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, options.timeoutMs);
    const limit = options.memoryLimitMiB;
    const watch =
      limit && child.pid
        ? setInterval(() => {
            void residentMiB(child.pid!).then((mib) => {
              if (mib !== undefined && mib > limit && overMemory === undefined) {
                overMemory = mib;
                kill();
              }
            });
          }, 200)
        : undefined;
    const stop = () => {
      clearTimeout(timer);
      if (watch) clearInterval(watch);
      if (child.pid) running.delete(child.pid);
    };
    child.stdout.on('data', (d: Buffer) => stdout.push(d));
    child.stderr.on('data', (d: Buffer) => stderr.push(d));
    child.on('error', (error) => {
      stop();
      done({ ok: false, stdout: '', stderr: '', timedOut: false, fault: `\`${argv[0]}\` could not be started: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      stop();
      const out = Buffer.concat(stdout).toString('utf8');
      const err = Buffer.concat(stderr).toString('utf8');
      const base = { ok: code === 0, stdout: out, stderr: err, timedOut };
      if (overMemory !== undefined) {
        return done({
          ...base,
          ok: false,
          timedOut: false,
          fault: `\`${argv[0]}\` used more than ${limit} MiB of memory (${Math.round(overMemory)} MiB) and was stopped. If it needs more, raise --memory-limit.`,
        });
      }
      if (timedOut) return done({ ...base, ok: false });
      if (signal) return done({ ...base, ok: false, fault: `\`${argv[0]}\` was killed by ${signal}${err.trim() ? `:\n${err.trim()}` : '.'}` });
      if (code !== 0 && !err.trim()) return done({ ...base, fault: `\`${argv[0]}\` failed with exit code ${code} and said nothing.` });
      done(base);
    });
  });
}

/** What to check when Nix cannot use its store, for who is running it. */
function storeHint(): string {
  if (process.getuid?.() === 0) {
    return 'As root without a daemon, set NIX_CONFIG to "build-users-group =" and "sandbox = false" (scripts/setup-machine.sh does this).';
  }
  return 'As a user other than root, Nix needs either a running nix-daemon (a multi-user install; check `systemctl status nix-daemon`) or a store you own (a single-user install: /nix belongs to you).';
}

/** Finds Nix and the flags it supports, or says what is wrong. */
export async function detectNix(timeout: NixRunner['timeout']): Promise<NixRunner | { problem: string }> {
  const timeoutMs = parseFloat(timeout) * 1000;
  // All three at once; the version is looked at first. One probe tells whether the store is
  // usable (Nix must answer 1 to `1`); the settings this Nix knows are read meanwhile.
  const probing = Promise.all([spawnProcess(['nix', ...FEATURES, 'eval', '--expr', '1'], { timeoutMs }), knownSettings(timeoutMs)]);
  const version = await spawnProcess(['nix', '--version'], { timeoutMs });
  if (!version.ok) {
    await probing;
    return {
      problem: `Nix is not installed or not on PATH (\`nix --version\` failed${version.fault ? `: ${version.fault}` : version.timedOut ? ': it did not answer in time' : ''}). Install it (Debian: \`apt-get install nix-bin\`, or see scripts/setup-machine.sh) and run again.`,
    };
  }
  if (!/\d+\.\d+/.test(version.stdout)) {
    await probing;
    return { problem: `\`nix --version\` printed ${JSON.stringify(version.stdout.trim().slice(0, 200))}, which names no version: the \`nix\` first on PATH is not Nix. Put Nix first on PATH and run again.` };
  }
  const { number, name } = describeNixVersion(version.stdout);

  const [probe, known] = await probing;
  if (!probe.ok || probe.stdout.trim() !== '1') {
    const said = probe.ok ? `it answered \`${probe.stdout.trim().slice(0, 80)}\` instead of 1` : (probe.fault ?? probe.stderr).trim() || (probe.timedOut ? `it did not answer within ${timeout}` : '');
    return { problem: `${name} cannot evaluate a trivial expression: ${said}\n${storeHint()}` };
  }
  // The settings this Nix knows, from its own list: Nix 2.8 ignores unknown ones silently.
  const flags = [...FEATURES];
  for (const [setting, value] of SAFE_SETTINGS) if (known.has(setting)) flags.push('--option', setting, value);
  return { version: number, name, flags, timeout };
}

/**
 * Settings turned off wherever this Nix has them: import-from-derivation (evaluation must not
 * build), lazy trees (Determinate Nix: positions must name real files) and the evaluation
 * cache (a cached failure hides the real error).
 */
const SAFE_SETTINGS: ReadonlyArray<[string, string]> = [
  ['allow-import-from-derivation', 'false'],
  ['lazy-trees', 'false'],
  ['eval-cache', 'false'],
];

async function knownSettings(timeoutMs: number): Promise<Set<string>> {
  for (const command of [['show-config', '--json'], ['config', 'show', '--json']]) {
    const result = await spawnProcess(['nix', ...FEATURES, ...command], { timeoutMs });
    if (!result.ok) continue;
    try {
      return new Set(Object.keys(JSON.parse(result.stdout) as Record<string, unknown>));
    } catch {
      continue;
    }
  }
  return new Set();
}

/**
 * The version line of `nix --version`, as reports name it: `Nix 2.8.0`, `Lix 2.93.0`,
 * `Determinate Nix 3.6.2 (Nix 2.29.0)`. `number` is the Nix language version. Pure.
 */
export function describeNixVersion(line: string): { number: string; name: string } {
  const text = line.trim().split('\n')[0] ?? '';
  const versions = [...text.matchAll(/(\d+\.\d+(?:\.\d+)?(?:[-+.\w]*)?)/g)].map((m) => m[1]!);
  const number = versions.at(-1) ?? text;
  if (/\bLix\b/.test(text)) return { number, name: `Lix ${number}` };
  const determinate = /Determinate Nix (\S+?)\)?\s/.exec(`${text} `)?.[1];
  if (determinate) return { number, name: `Determinate Nix ${determinate} (Nix ${number})` };
  return { number, name: `Nix ${number}` };
}

/** Builds may take this many times a Nix call's timeout: a kernel is a long build. */
export const BUILD_TIMEOUT_FACTOR = 6;

async function run(nix: NixRunner, args: string[], options: { cwd?: string; long?: boolean } = {}): Promise<NixResult> {
  const started = performance.now();
  const { long = false, ...spawnOptions } = options;
  const limit = parseFloat(nix.timeout) * (long ? BUILD_TIMEOUT_FACTOR : 1);
  const result = await spawnProcess(args, {
    ...spawnOptions,
    timeoutMs: limit * 1000,
    ...(nix.memoryLimitMiB ? { memoryLimitMiB: nix.memoryLimitMiB } : {}),
  });
  nix.onCall?.({ argv: args, cwd: options.cwd, ms: performance.now() - started });
  if (result.timedOut) {
    // Killed on time: nothing was learnt about the snippets, so it is the machine's problem.
    const said = `Nix did not finish within ${limit}s and was stopped. If it needs longer, raise --timeout${long ? ` (builds get ${BUILD_TIMEOUT_FACTOR} times as long)` : ''}.`;
    return { ...result, stderr: `error: ${said}\n`, fault: said };
  }
  const machine = result.ok || result.fault ? undefined : environmentFailure(result.stderr);
  return machine ? { ...result, fault: machine } : result;
}

/**
 * Failures of the machine Nix runs on, not of the snippets: a full disk, a store, cache or
 * home Nix cannot write, no daemon. Said once as an environment problem, never per block. Pure.
 */
export function environmentFailure(stderr: string): string | undefined {
  const lines = stderr.split('\n').filter((l) => !/^\s*>/.test(l));
  const found = lines.find(
    (l) =>
      /No space left on device/.test(l) ||
      /cannot connect to socket at .*daemon/.test(l) ||
      /(?:\/nix\/var|\/nix\/store|\.cache\/nix|\/homeless-shelter|\$HOME|\/root)[^\n]*: (?:Permission denied|Read-only file system)/.test(l) ||
      /(?:getting|opening) lock file .*: Permission denied/.test(l),
  );
  return found ? `Nix cannot work on this machine: ${found.replace(/^\s*error:\s*/, '').trim()}` : undefined;
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
export async function parseFiles(nix: NixRunner, paths: readonly string[], jobs = 1): Promise<{ failures: Map<string, string>; fault?: string }> {
  const failures = new Map<string, string>();
  const faults: string[] = [];
  const parseBatch = async (batch: string[]) => {
    let pending = batch;
    while (pending.length > 0 && faults.length === 0) {
      const result = await run(nix, ['nix-instantiate', '--parse', ...pending]);
      if (result.fault || result.timedOut) return void faults.push(result.fault ?? result.stderr.trim());
      if (result.ok) return;
      const culprit = pending.find((p) => result.stderr.includes(`${p}:`)) ?? (pending.length === 1 ? pending[0] : undefined);
      if (!culprit) return void faults.push(`nix-instantiate --parse failed without naming a file:\n${result.stderr.trim()}`);
      failures.set(culprit, result.stderr);
      // Carry on after the broken file; those before it parsed.
      pending = pending.slice(pending.indexOf(culprit) + 1);
    }
  };
  // Batches at once, up to `jobs` processes.
  const queue = batches(paths);
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(jobs, queue.length)) }, async () => {
      for (let batch = queue.shift(); batch; batch = queue.shift()) await parseBatch(batch);
    }),
  );
  return faults.length ? { failures, fault: faults[0]! } : { failures };
}

/**
 * `nix eval --json` of a flake output, with inputs overridden; with `--show-trace` unless told
 * otherwise (a failing evaluation costs several times more with it).
 */
export async function evalFlake(
  nix: NixRunner,
  flakeRef: string,
  overrides: ReadonlyArray<[string, string]>,
  trace = true,
): Promise<NixResult> {
  const overrideFlags = overrides.flatMap(([input, ref]) => ['--override-input', input, ref]);
  return run(nix, ['nix', ...nix.flags, 'eval', '--json', ...(trace ? ['--show-trace'] : []), '--no-write-lock-file', ...overrideFlags, flakeRef]);
}

/** Realises store derivations (fetch: fixed-output sources; build: packages). */
export async function realise(nix: NixRunner, drvPaths: readonly string[]): Promise<NixResult> {
  return run(nix, ['nix-store', '--realise', ...(nix.realiseFlags ?? []), ...drvPaths], { long: true });
}

/** Builds a derivation again although the store has it (`--check`): for a fixed-output one, a fetch whose result must have its declared hash. */
export async function realiseAgain(nix: NixRunner, drvPath: string): Promise<NixResult> {
  return run(nix, ['nix-store', '--realise', '--check', ...(nix.realiseFlags ?? []), drvPath], { long: true });
}

/** Every store path the derivations need, themselves included (`nix-store --query --requisites`). */
export async function requisites(nix: NixRunner, drvPaths: readonly string[]): Promise<{ paths: string[]; fault?: string }> {
  const result = await run(nix, ['nix-store', '--query', '--requisites', ...drvPaths]);
  if (!result.ok) return { paths: [], fault: result.fault ?? (result.stderr.trim() || 'nix-store --query --requisites failed without saying why') };
  return { paths: result.stdout.split('\n').filter(Boolean) };
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
  // `nix build` would leave a `result` link in the flake; nothing a reader runs writes there.
  const noLink = head.join(' ') === 'build' && !tail.includes('--no-link') ? ['--no-link'] : [];
  return run(nix, ['nix', ...nix.flags, ...head, '--no-write-lock-file', ...noLink, ...overrideFlags, ...tail], { cwd });
}
