/**
 * Progress on long runs: on a terminal, one status line rewritten in place with a live count,
 * and only failures as lines; in CI or a log, every step as a plain line. A terminal is given
 * to the verifier with util-linux's `script`.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NIX_ENV } from './run-verifier.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const PAGES = ['simple.mdx', 'nur.mdx'];
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'progress-'));
  await cp(join(ROOT, 'test/fixtures/drift'), dir, { recursive: true });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function verifyArgs(): string[] {
  return [join(ROOT, 'scripts/verify.ts'), '--strict', '--offline', '--level', 'eval', '--no-cache', '--flakes', join(dir, 'flakes'), ...PAGES.map((p) => join(dir, 'pages', p))];
}

/** The verifier with its standard streams on a terminal; what the terminal received. */
function onTerminal(env: Record<string, string>): Promise<{ code: number; output: string }> {
  const command = [process.execPath, ...verifyArgs()].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  return new Promise((done) =>
    execFile('script', ['-qec', command, '/dev/null'], { env: { ...NIX_ENV, ...env }, cwd: ROOT, maxBuffer: 16 << 20 }, (error, stdout) =>
      done({ code: error ? Number(error.code) : 0, output: stdout }),
    ),
  );
}

/** The verifier with its output going to a pipe, as in CI or a log. */
function inLog(env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((done) =>
    execFile(process.execPath, verifyArgs(), { env: { ...NIX_ENV, ...env }, cwd: ROOT, maxBuffer: 16 << 20 }, (error, _stdout, stderr) =>
      done({ code: error ? Number(error.code) : 0, output: stderr }),
    ),
  );
}

describe('progress', () => {
  it('is a live count on a terminal, rewritten in place, without a line per step', async () => {
    const { code, output } = await onTerminal({ CI: '' });
    expect(code, output).toBe(0);
    const counts = [...output.matchAll(/\[(\d+)\/(\d+)\] flakes and expected failures done/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(counts.length).toBeGreaterThan(1);
    const total = counts[0]![1]!;
    // Every step counted once, in order, up to the total.
    expect(counts.map(([done]) => done)).toEqual([...Array.from({ length: total }, (_, i) => i + 1), total]);
    expect(output).toContain('\r\x1b[2K');
    expect(output).not.toMatch(/^\s+✓ \S+\s+eval/m);
  });

  it('is a plain line per step in CI, even on a terminal', async () => {
    const { code, output } = await onTerminal({ CI: 'true' });
    expect(code, output).toBe(0);
    expect(output).toMatch(/^\s+✓ simple\s+eval/m);
    expect(output).not.toContain('flakes and expected failures done');
  });

  it('is a plain line per step in a log', async () => {
    const { code, output } = await inLog({ CI: '' });
    expect(code, output).toBe(0);
    expect(output).toMatch(/^\s+✓ simple\s+eval/m);
    expect(output).not.toContain('\x1b[2K');
  });
});
