/**
 * The fault suite: a Nix that hangs, crashes or prints garbage, signals at points of a cold
 * run, two runs at once, a bad TMPDIR and an unwritable cache. Whatever happens, the run
 * ends with a message and the right exit code, leaves no scratch folder and no process
 * behind, and the cache stays right. Real Nix, real files; only `nix` itself is faked.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  fakeNix,
  processesWith,
  readReport,
  REAL_NIX,
  sandbox,
  scratchLeft,
  startVerifier,
  statuses,
  waitFor,
  type Sandbox,
  type Started,
} from './fault-tools.ts';

/** A generous bound, only so that a hang fails the test instead of stalling the suite. */
const HANG_BOUND_MS = 90_000;

let box: Sandbox | undefined;
afterEach(async () => {
  await box?.cleanup();
  box = undefined;
});

/** The fixture verified as written, without a cache: what every other run must agree with. */
let expected: Record<string, string>;
/** The kernel-source memo of that run, so that runs without a cache skip re-reading the tarball. */
let memo: string;
let reference: Sandbox;
beforeAll(async () => {
  reference = await sandbox();
  const run = startVerifier(reference, ['--no-cache', '--report', join(reference.root, 'report.json')]);
  const { code, stderr } = await run.ended;
  expect(code, stderr).toBe(0);
  expected = statuses(await readReport(join(reference.root, 'report.json')), reference.fixture);
  expect(Object.keys(expected).length).toBeGreaterThan(5);
  memo = join(reference.tmp, 'nix-verify-kernel-source.json');
  return () => reference.cleanup();
});

/** A fresh sandbox whose TMPDIR already knows the kernel source (not what these tests are about). */
async function warmSandbox(): Promise<Sandbox> {
  box = await sandbox();
  await copyFile(memo, join(box.tmp, 'nix-verify-kernel-source.json'));
  return box;
}

/** Nothing of the run is left: no scratch folder in its TMPDIR, no process that carries its marker. */
async function expectNothingLeft(b: Sandbox) {
  expect(await scratchLeft(b.tmp)).toEqual([]);
  // Its processes are killed as it exits; give the kernel a moment to take them away (less
  // than any of them would take to end on its own).
  await waitFor(async () => (await processesWith(b.root)).length === 0, 500, 20);
  expect(await processesWith(b.root)).toEqual([]);
}

/** The stack trace of an uncaught error, which a user must never see. */
const STACK = /^\s+at .+:\d+:\d+\)?$/m;

describe('a fake nix first on PATH', () => {
  const forward = `exec ${REAL_NIX} "$@"`;
  /** Runs `then` for `nix eval --json` (a flake's evaluation), and the real Nix otherwise. */
  const onFlakeEval = (then: string) => `case " $* " in *" eval --json "*) ${then} ;; esac\n${forward}`;
  const cases: Array<{ name: string; script: string; message: RegExp }> = [
    { name: 'hangs when asked its version', script: 'sleep 1000', message: /did not answer in time/ },
    {
      name: 'hangs on the settings probe',
      script: `[ "$1" = --version ] && { echo 'nix (Nix) 2.8.0'; exit 0; }\nsleep 1000`,
      message: /cannot evaluate a trivial expression:\s*it did not answer within 2s/,
    },
    { name: 'crashes (SIGSEGV) when asked its version', script: 'kill -SEGV $$', message: /`nix --version` failed: `nix` was killed by SIGSEGV/ },
    { name: 'crashes (SIGSEGV) while evaluating a flake', script: onFlakeEval('kill -SEGV $$'), message: /`nix` was killed by SIGSEGV/ },
    { name: 'exits 139 without a word', script: 'exit 139', message: /failed with exit code 139 and said nothing/ },
    { name: 'prints garbage for every call, and exits 0', script: `echo 'garbage }{'\nexit 0`, message: /garbage/ },
    {
      name: 'prints garbage for its version, and exits 0',
      script: `[ "$1" = --version ] && { echo 'garbage }{'; exit 0; }\n${forward}`,
      message: /version/i,
    },
    {
      name: 'prints garbage for the probe `nix eval --expr 1`, and exits 0',
      script: `case " $* " in *" --expr 1 "*) echo 'garbage }{'; exit 0 ;; esac\n${forward}`,
      message: /trivial expression/,
    },
    {
      name: 'prints garbage for a flake, and exits 0',
      script: onFlakeEval(`echo 'garbage }{'; exit 0`),
      message: /not JSON for `nix eval --json`:\s*garbage/,
    },
  ];

  it.each(cases)('$name: exit 2 with a message, nothing left', async ({ script, message }) => {
    const b = await warmSandbox();
    const bin = await fakeNix(b.root, script);
    const run = startVerifier(b, ['--no-cache', '--timeout', '2'], { PATH: `${bin}:${process.env.PATH}` });
    const { code, stderr, ms } = await run.ended;
    expect(code, stderr).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(STACK);
    expect(ms).toBeLessThan(HANG_BOUND_MS);
    await expectNothingLeft(b);
  });

  // A Nix that hangs on a flake cannot be told from a snippet that never ends, so this is
  // reported at the block (test/nix/modes.test.ts), but never as a pass and never cached.
  it('hangs while evaluating a flake: stopped at --timeout, never a pass, never cached, nothing left', async () => {
    const b = await warmSandbox();
    const bin = await fakeNix(b.root, onFlakeEval('sleep 1000'));
    const cache = join(b.root, 'cache');
    const hung = await startVerifier(b, ['--cache', cache, '--timeout', '2'], { PATH: `${bin}:${process.env.PATH}` }).ended;
    expect([1, 2], hung.stderr).toContain(hung.code);
    expect(hung.stderr).toMatch(/did not finish within 2s and was stopped/);
    expect(hung.stderr).not.toMatch(STACK);
    expect(hung.ms).toBeLessThan(HANG_BOUND_MS);
    await expectNothingLeft(b);

    const again = await startVerifier(b, ['--cache', cache, '--report', join(b.root, 'again.json')]).ended;
    expect(again.code, again.stderr).toBe(0);
    expect(statuses(await readReport(join(b.root, 'again.json')), b.fixture)).toEqual(expected);
  });
});

describe('a signal at a point of a cold run', () => {
  /**
   * A Nix whose flake evaluations take 3 s longer, so that a signal finds one running, and a
   * call that outlived the run would still be there to see.
   */
  const slowNix = `case " $* " in *" eval --json "*) sleep 3 ;; esac\nexec ${REAL_NIX} "$@"`;
  const running = async (b: Sandbox, pattern: RegExp) => (await processesWith(b.root)).filter((l) => pattern.test(l));
  const FLAKE_EVAL = / eval --json /;
  const points: Array<{ name: string; signal: 'SIGINT' | 'SIGTERM'; args?: string[]; reached: (b: Sandbox) => Promise<boolean> }> = [
    // So early that the handlers may not be there yet: then Node dies of the signal, which
    // the shell reports as 130 too; there is nothing to clean up yet.
    { name: 'as it starts', signal: 'SIGINT', reached: async () => (await new Promise((r) => setTimeout(r, 300)), true) },
    {
      name: 'while it reads the kernel source',
      signal: 'SIGINT',
      reached: (b) => waitFor(async () => (await running(b, /^\d+ tar /)).length > 0, 30_000),
    },
    {
      name: 'while Nix evaluates a flake',
      signal: 'SIGINT',
      reached: (b) => waitFor(async () => (await running(b, FLAKE_EVAL)).length > 0, 60_000),
    },
    {
      // One flake at a time: once a second evaluation starts, the first one's answers are cached.
      name: 'after a flake was answered and cached, while Nix evaluates the next',
      signal: 'SIGTERM',
      args: ['--jobs', '1'],
      reached: async (b) => {
        let first: string | undefined;
        return waitFor(async () => {
          const pids = (await running(b, FLAKE_EVAL)).map((l) => l.split(' ')[0]!);
          first ??= pids[0];
          return pids.some((pid) => pid !== first);
        }, 60_000);
      },
    },
  ];

  it.each(points)('$signal $name: the run stops at once, leaves nothing, and the cache stays right', async ({ signal, args = [], reached }) => {
    box = await sandbox();
    const b = box;
    const cache = join(b.root, 'cache');
    const bin = await fakeNix(b.root, slowNix);
    const run: Started = startVerifier(b, ['--cache', cache, ...args], { PATH: `${bin}:${process.env.PATH}` });
    const there = await reached(b);
    expect(run.hasEnded(), 'the run ended before the point was reached: not a useful sample').toBe(false);
    expect(there, 'the point was never reached').toBe(true);
    process.kill(run.pid, signal);
    const { code, signal: killedBy, stderr, ms } = await run.ended;
    const status = code ?? (killedBy === signal ? 128 + (signal === 'SIGINT' ? 2 : 15) : killedBy);
    expect(status, stderr).toBe(signal === 'SIGINT' ? 130 : 143);
    expect(ms).toBeLessThan(HANG_BOUND_MS);
    await expectNothingLeft(b);

    // The same cache, with the real Nix: the same verdicts as a run without a cache.
    const again = await startVerifier(b, ['--cache', cache, '--report', join(b.root, 'again.json')]).ended;
    expect(again.code, again.stderr).toBe(0);
    expect(statuses(await readReport(join(b.root, 'again.json')), b.fixture)).toEqual(expected);
    await expectNothingLeft(b);
  });
});

describe('the main job, npm run build', () => {
  it('SIGINT while Nix evaluates: it stops at once, and leaves no Nix running and no scratch folder', async () => {
    box = await sandbox();
    const b = box;
    const bin = await fakeNix(b.root, `case " $* " in *" eval --json "*) sleep 3 ;; esac\nexec ${REAL_NIX} "$@"`);
    const run = startVerifier(b, ['--cache', join(b.root, 'cache')], { PATH: `${bin}:${process.env.PATH}` }, 'scripts/build.ts');
    const there = await waitFor(async () => (await processesWith(b.root)).some((l) => / eval --json /.test(l)), 60_000);
    expect(there, 'Nix never evaluated a flake').toBe(true);
    process.kill(run.pid, 'SIGINT');
    const { code, stderr } = await run.ended;
    expect(code, stderr).toBe(130);
    await expectNothingLeft(b);
  });
});

describe('two runs at once on one checkout', () => {
  it('share a cache and agree', async () => {
    box = await sandbox();
    const b = box;
    const cache = join(b.root, 'cache');
    const [one, two] = [1, 2].map((n) => startVerifier(b, ['--cache', cache, '--report', join(b.root, `report-${n}.json`)]));
    const ended = await Promise.all([one!.ended, two!.ended]);
    for (const { code, stderr } of ended) expect(code, stderr).toBe(0);
    expect(statuses(await readReport(join(b.root, 'report-1.json')), b.fixture)).toEqual(expected);
    expect(statuses(await readReport(join(b.root, 'report-2.json')), b.fixture)).toEqual(expected);
    await expectNothingLeft(b);
    // And a third run reads what both wrote.
    const warm = await startVerifier(b, ['--cache', cache, '--report', join(b.root, 'report-3.json')]).ended;
    expect(warm.code, warm.stderr).toBe(0);
    expect(statuses(await readReport(join(b.root, 'report-3.json')), b.fixture)).toEqual(expected);
  });
});

describe('the temporary folder', () => {
  it.each([
    ['does not exist', async (b: Sandbox) => join(b.root, 'missing'), /TMPDIR \(`[^`]*missing`\) cannot hold .*: it does not exist/],
    ['is a file', async (b: Sandbox) => (await writeFile(join(b.root, 'file'), ''), join(b.root, 'file')), /TMPDIR \(`[^`]*file`\) cannot hold .*: it is not a folder/],
  ] as const)('that %s: exit 2 with a message naming TMPDIR', async (_, make, message) => {
    box = await sandbox();
    const run = startVerifier(box, ['--no-cache'], { TMPDIR: await make(box) });
    const { code, stderr } = await run.ended;
    expect(code, stderr).toBe(2);
    expect(stderr).toMatch(/^error: /m);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(STACK);
    expect(await processesWith(box.root)).toEqual([]);
  });

  it('that is full: exit 2 with a message, and no scratch folder left', async () => {
    box = await sandbox();
    const full = join(box.root, 'full');
    await mkdir(full);
    // Root can mount a small tmpfs; the suite runs as root, as CI does.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', full]);
    try {
      await copyFile(memo, join(full, 'nix-verify-kernel-source.json'));
      await writeFile(join(full, 'filler'), Buffer.alloc(1 << 20)).catch(() => {});
      const run = startVerifier(box, ['--no-cache'], { TMPDIR: full });
      const { code, stderr } = await run.ended;
      expect(code, stderr).toBe(2);
      expect(stderr).toMatch(/^error: .*no space left/im);
      expect(stderr).toContain(`TMPDIR (\`${full}\`)`);
      expect(stderr).not.toMatch(STACK);
      expect(await scratchLeft(full)).toEqual([]);
      expect(await processesWith(box.root)).toEqual([]);
    } finally {
      execFileSync('umount', [full]);
    }
  });
});

describe('a cache folder that cannot be written', () => {
  it('is one warning; the run still verifies', async () => {
    const b = await warmSandbox();
    // As root, a read-only mode does not stop writes; a folder under a file cannot exist.
    await writeFile(join(b.root, 'file'), '');
    const run = startVerifier(b, ['--cache', join(b.root, 'file', 'cache'), '--report', join(b.root, 'report.json')]);
    const { code, stderr } = await run.ended;
    expect(code, stderr).toBe(0);
    expect(stderr.match(/^warning: .*cannot be written/gm), stderr).toHaveLength(1);
    expect(stderr).toContain(join(b.root, 'file', 'cache'));
    expect(statuses(await readReport(join(b.root, 'report.json')), b.fixture)).toEqual(expected);
    await expectNothingLeft(b);
  });
});

describe('a kernel source Nix cannot add to the store', () => {
  it('is an environment problem at the first evaluation: exit 2, never a pass', async () => {
    const b = await sandbox();
    box = b;
    // A linux-source tarball of its own (so not in the store yet), and a nix-store that
    // refuses to add files.
    const top = join(b.root, 'linux-source-6.12');
    await mkdir(top);
    await writeFile(join(top, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 9999\n');
    const tarball = join(b.root, 'linux-source-6.12.tar.xz');
    execFileSync('tar', ['-cJf', tarball, '-C', b.root, 'linux-source-6.12']);
    const bin = join(b.root, 'bin');
    await mkdir(bin);
    const realStore = execFileSync('sh', ['-c', 'command -v nix-store'], { encoding: 'utf8' }).trim();
    await writeFile(join(bin, 'nix-store'), `#!/bin/sh\nif [ "$1" = --add-fixed ]; then echo "error: cannot add path: Read-only file system" >&2; exit 1; fi\nexec ${realStore} "$@"\n`);
    execFileSync('chmod', ['+x', join(bin, 'nix-store')]);
    const run = startVerifier(b, ['--no-cache', '--kernel-source', tarball, '--report', join(b.root, 'report.json')], { PATH: `${bin}:${process.env.PATH}` });
    const { code, stderr } = await run.ended;
    expect(code, stderr).toBe(2);
    expect(stderr).toContain(`Nix could not add ${tarball} to the store:`);
    expect(stderr).toContain('Read-only file system');
    expect(stderr).not.toMatch(STACK);
    expect(await readReport(join(b.root, 'report.json'))).toBeUndefined();
    await expectNothingLeft(b);
  });
});
