/**
 * Limits on every Nix call: memory and time. A snippet that eats memory is stopped and said to
 * be, as an environment problem (exit 2), never as a timeout and never as a pass.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runVerifier, type VerifierRun } from './run-verifier.ts';

let run: VerifierRun | undefined;
afterEach(async () => {
  await run?.cleanup();
  run = undefined;
});

describe('limits', () => {
  it('stops a Nix call that passes --memory-limit, and says it was memory', async () => {
    run = await runVerifier('limits', ['memory.md'], [], ['--offline', '--memory-limit', '256', '--timeout', '120']);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/Flake `greedy`: `nix` used more than 256 MiB of memory \(\d+ MiB\) and was stopped/);
    expect(run.stderr).not.toMatch(/did not finish within/);
  });

  it('lets the same snippet finish when the limit allows it, so the limit is what stopped it', async () => {
    run = await runVerifier('limits', ['memory.md'], [], ['--offline', '--memory-limit', '16384', '--level', 'eval']);
    expect(run.exitCode, run.stderr).toBe(0);
  });

  it('reports a timeout as a timeout', async () => {
    run = await runVerifier('limits', ['memory.md'], [], ['--offline', '--memory-limit', '16384', '--timeout', '0.5']);
    expect(run.exitCode, run.stderr).not.toBe(0);
    expect(run.stderr).toMatch(/did not finish within 0\.5s/);
    expect(run.stderr).not.toMatch(/MiB of memory/);
  });
});
