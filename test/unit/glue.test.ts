import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assemble } from '../../scripts/verifier/assemble.ts';
import { loadGlue } from '../../scripts/verifier/glue.ts';
import type { Block } from '../../scripts/verifier/types.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('loadGlue', () => {
  it('reads a template saved with CRLF line ends as LF, so its slots are found', async () => {
    dir = await mkdtemp(join(tmpdir(), 'glue-'));
    await mkdir(join(dir, 'simple'));
    await writeFile(join(dir, 'simple', 'configuration.nix'), '{ pkgs, ... }:\r\n{\r\n  # slot: body\r\n}\r\n');
    await writeFile(join(dir, 'simple.checks.nix'), '{ flake, system }:\r\n{ }\r\n');
    const { flakes, diagnostics } = loadGlue(dir, dir);
    expect(diagnostics).toEqual([]);
    expect(flakes[0]!.files[0]!.text).toBe('{ pkgs, ... }:\n{\n  # slot: body\n}\n');
    expect(flakes[0]!.checks!.text).toBe('{ flake, system }:\n{ }\n');

    const fragment: Block = {
      id: 'p.md:3',
      page: 'p.md',
      start: { line: 3, column: 1 },
      codeLine: 4,
      codeColumn: 1,
      lang: 'nix',
      meta: '',
      code: 'boot.kernelModules = [ ];',
      annotation: { role: 'fragment', target: { flake: 'simple', file: 'configuration.nix', slot: 'body' } },
    };
    const assembly = assemble([fragment], flakes);
    expect(assembly.diagnostics).toEqual([]);
    expect(assembly.flakes[0]!.files[0]!.text).toBe('{ pkgs, ... }:\n{\n  boot.kernelModules = [ ];\n}\n');
  });
});
