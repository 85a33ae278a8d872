/**
 * The first run on a machine whose Nix is too old for the pinned nixpkgs: outside CI it falls
 * back to the stand-in and says why; in CI it is exit 2. The pinned nixpkgs is a local flake
 * that refuses this Nix, as nixpkgs does (lib/minfeatures.nix).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runVerifier, type VerifierRun } from './run-verifier.ts';

let run: VerifierRun | undefined;
afterEach(async () => {
  await run?.cleanup();
  run = undefined;
});

const pinToLocal = async (dir: string) => {
  const page = join(dir, 'pages/old.md');
  await writeFile(page, (await readFile(page, 'utf8')).replace('@NIXPKGS@', `path:${join(dir, 'nixpkgs')}`));
};

describe('a Nix too old for the pinned nixpkgs', () => {
  it('outside CI: falls back to the stand-in, loudly, and says how to get a current Nix', async () => {
    run = await runVerifier('old-nix', ['old.md'], [], [], { CI: '' }, pinToLocal);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.report!.nixpkgs.kind).toBe('standin');
    expect(run.stderr).toMatch(/Nix [\d.]+ is too old for nixpkgs path:.*, which needs Nix 99\.1 or newer\./);
    expect(run.stderr).toContain('!!! Falling back to the OFFLINE STAND-IN');
    expect(run.stderr).toContain('Install a current Nix with its official installer');
  });

  it('in CI: exit 2, never a run against something else', async () => {
    run = await runVerifier('old-nix', ['old.md'], [], [], { CI: 'true' }, pinToLocal);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/is too old for nixpkgs path:.*, which needs Nix 99\.1 or newer/);
    expect(run.report).toBeUndefined();
  });
});
