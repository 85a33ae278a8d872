/**
 * A Nix too old for the pinned nixpkgs: exit 2, in CI and outside it, never a run against
 * something else (the stand-in refuses such a Nix too, as nixpkgs does). The pinned nixpkgs is a
 * local flake that refuses this Nix, as nixpkgs' default.nix does.
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
  it('outside CI: exit 2 too, saying to use a current Nix, without falling back to the stand-in', async () => {
    run = await runVerifier('old-nix', ['old.md'], [], [], { CI: '' }, pinToLocal);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/Nix [\d.]+ is too old for nixpkgs path:.*, which needs Nix 99\.1 or newer\. Use a current Nix/);
    expect(run.stderr).not.toContain('OFFLINE STAND-IN');
    expect(run.report).toBeUndefined();
  });

  it('in CI: exit 2, never a run against something else', async () => {
    run = await runVerifier('old-nix', ['old.md'], [], [], { CI: 'true' }, pinToLocal);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/is too old for nixpkgs path:.*, which needs Nix 99\.1 or newer/);
    expect(run.report).toBeUndefined();
  });
});
