/**
 * Scale, for correctness only (no timing): 3,000 blocks linted in zero-config mode, one of
 * them broken. Their paths far exceed what one command line holds, so the parser must be
 * run in batches; the broken block, and only it, is reported.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../scripts/verifier/types.ts';
import { NIX_ENV } from './run-verifier.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** A page of `count` small blocks, alternating expressions and bindings; `broken` is the index of a bad one. */
function page(count: number, broken: number): { text: string; brokenLine: number } {
  const lines = ['# Many blocks', ''];
  let brokenLine = 0;
  for (let i = 0; i < count; i++) {
    lines.push('```nix');
    if (i === broken) {
      brokenLine = lines.length + 1; // 1-based: the line this push adds
      lines.push(`{ a${i} = 1; b = [ ; }`);
    } else {
      lines.push(i % 2 ? `services.example${i}.enable = true;` : `{ pkgs, ... }: { value${i} = pkgs.hello; }`);
    }
    lines.push('```', '');
  }
  return { text: lines.join('\n'), brokenLine };
}

describe('3,000 zero-config blocks', () => {
  it('reports exactly the one broken block', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scale-'));
    try {
      const { text, brokenLine } = page(3000, 2345);
      // A long folder name makes every path long, so one command line cannot hold them all.
      const pages = join(dir, 'a-folder-with-a-long-name-so-that-the-command-line-would-not-hold-every-path');
      const path = join(pages, 'many.md');
      await mkdir(pages);
      await writeFile(path, text);
      const report = join(dir, 'report.json');
      const { code, stderr } = await new Promise<{ code: number; stderr: string }>((done) =>
        execFile(
          process.execPath,
          [join(ROOT, 'scripts/verify.ts'), '--no-cache', '--quiet', '--report', report, path],
          { cwd: ROOT, env: NIX_ENV, maxBuffer: 64 << 20 },
          (error, _out, err) => done({ code: error ? Number(error.code) : 0, stderr: err }),
        ),
      );
      expect(code, stderr.slice(0, 2000)).toBe(1);
      const result = JSON.parse(await readFile(report, 'utf8')) as Report;
      expect(result.blocks).toHaveLength(3000);
      const failed = result.blocks.filter((b) => b.status === 'failed');
      expect(failed.map((b) => b.line)).toEqual([brokenLine - 1]); // the fence
      expect(result.blocks.filter((b) => b.status === 'verified')).toHaveLength(2999);
      expect(result.diagnostics.map((d) => d.place?.line)).toEqual([brokenLine]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
