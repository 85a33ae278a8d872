/**
 * Tools for the fault suite: a private temporary folder per run, a fake `nix` first on PATH,
 * the verifier started as a child that can be signalled, and what a run left behind
 * (scratch folders, processes).
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Report } from '../../scripts/verifier/types.ts';
import { NIX_ENV } from './run-verifier.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** The real `nix`, found before any fake is put on PATH. */
export const REAL_NIX = execFileSync('sh', ['-c', 'command -v nix'], { encoding: 'utf8' }).trim();

export interface Sandbox {
  /** A folder of its own; its path marks every process of the run (it is in TMPDIR and PATH). */
  root: string;
  /** The run's TMPDIR, empty at the start. */
  tmp: string;
  /** A copy of the drift fixture. */
  fixture: string;
  cleanup(): Promise<void>;
}

export async function sandbox(): Promise<Sandbox> {
  const root = await mkdtemp(join(tmpdir(), 'faults-'));
  const tmp = join(root, 'tmp');
  const fixture = join(root, 'checkout');
  await mkdir(tmp);
  await cp(join(ROOT, 'test/fixtures/drift'), fixture, { recursive: true });
  return { root, tmp, fixture, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** Writes an executable `nix` (a shell script) into `<root>/bin`, and returns that folder. */
export async function fakeNix(root: string, script: string): Promise<string> {
  const bin = join(root, 'bin');
  await mkdir(bin, { recursive: true });
  await writeFile(join(bin, 'nix'), `#!/bin/sh\n${script}\n`);
  await chmod(join(bin, 'nix'), 0o755);
  return bin;
}

export interface Started {
  pid: number;
  /** Resolves when the run has ended. */
  ended: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; ms: number }>;
  hasEnded(): boolean;
}

/**
 * The verifier's command line on the fixture's two pages, offline, as a child process; or, with
 * `script` set to `scripts/build.ts`, the main job (run in the sandbox, where it writes `.verify/`).
 */
export function startVerifier(box: Sandbox, args: string[], env: Record<string, string> = {}, script = 'scripts/verify.ts'): Started {
  const argv = [
    join(ROOT, script),
    '--strict',
    '--quiet',
    '--offline',
    // The fixture's stub packages do not build: evaluation, unless a test asks for more.
    ...(args.includes('--level') ? [] : ['--level', 'eval']),
    '--flakes',
    join(box.fixture, 'flakes'),
    ...args,
    join(box.fixture, 'pages/simple.mdx'),
    join(box.fixture, 'pages/nur.mdx'),
  ];
  const started = performance.now();
  const cwd = script === 'scripts/verify.ts' ? ROOT : box.root;
  const child = spawn(process.execPath, argv, { cwd, env: { ...NIX_ENV, TMPDIR: box.tmp, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let over = false;
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; ms: number }>((done) =>
    child.on('close', (code, signal) => {
      over = true;
      done({ code, signal, stderr, ms: performance.now() - started });
    }),
  );
  return { pid: child.pid!, ended, hasEnded: () => over };
}

/** Block statuses of a report, by block id without the checkout's path: what two runs must agree on. */
export function statuses(report: Report | undefined, checkout: string): Record<string, string> {
  if (!report) return {};
  return Object.fromEntries(report.blocks.map((b) => [`${b.page.replace(checkout, '')}:${b.line}`, `${b.status}:${b.level}`]));
}

export async function readReport(path: string): Promise<Report | undefined> {
  return readFile(path, 'utf8').then((t) => JSON.parse(t) as Report, () => undefined);
}

/** Scratch folders the verifier left in `tmp`. */
export async function scratchLeft(tmp: string): Promise<string[]> {
  const entries = await readdir(tmp, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && e.name.startsWith('nix-verify-')).map((e) => e.name);
}

/** Live processes whose environment or command line contains `marker` (zombies excluded). */
export async function processesWith(marker: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    const read = (file: string) => readFile(`/proc/${pid}/${file}`, 'utf8').catch(() => '');
    const [environ, cmdline, stat] = await Promise.all([read('environ'), read('cmdline'), read('stat')]);
    if (!stat || / Z /.test(stat.slice(stat.lastIndexOf(')')))) continue;
    if (environ.includes(marker) || cmdline.includes(marker)) found.push(`${pid} ${cmdline.replaceAll('\0', ' ').trim()}`);
  }
  return found;
}

/** Waits until `test` holds (polling every `everyMs`), or until `ms` have passed; says which. */
export async function waitFor(test: () => Promise<boolean> | boolean, ms: number, everyMs = 10): Promise<boolean> {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    if (await test()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return false;
}
