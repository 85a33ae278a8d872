/**
 * Bad input gets a clear message at the right place: each test breaks the fixture guide one
 * way, runs the real command line, and asserts exit code 2, the message and the page line.
 * Needs Nix (CI installs it).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runVerifier, type Edit, type VerifierRun } from './run-verifier.ts';

const PAGES = ['simple.mdx', 'nur.mdx'];
let run: VerifierRun | undefined;
afterEach(async () => {
  await run?.cleanup();
  run = undefined;
});

async function broken(edits: Edit[], pages = PAGES) {
  run = await runVerifier('drift', pages, edits, ['--offline']);
  return run;
}

/**
 * The run stopped with exit 2 and printed `page:LINE:COL: error [rule]` with `message` as
 * (the start of) its reason, where LINE is the line of `needle` plus `below`.
 */
async function expectProblemAt(r: VerifierRun, page: string, needle: string, rule: string, message: string, below = 0) {
  const line = (await r.lineOf(page, needle)) + below;
  expect(r.exitCode, r.stderr).toBe(2);
  expect(r.stderr).toMatch(new RegExp(`${escape(r.pagePath(page))}:${line}:\\d+: error \\[${rule}\\]\\n  ${escape(message)}`));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const COMMAND = "$ nix eval .#nixosConfigurations.hero.config.boot.kernelModules --apply 'builtins.elem \"qc71_laptop\"'";

describe('command blocks run only read-only commands in the assembled flake', () => {
  it('refuses --impure, at its line', async () => {
    const r = await broken([{ page: 'simple.mdx', from: '$ nix eval .#', to: '$ nix eval --impure .#' }]);
    await expectProblemAt(r, 'simple.mdx', '$ nix eval --impure', 'annotation', '`--impure` is not allowed in a command block');
  });

  it('refuses --expr on a continuation line, at that line', async () => {
    const r = await broken([{ page: 'simple.mdx', from: COMMAND, to: `${COMMAND} \\\n  --expr 'derivation { }'` }]);
    await expectProblemAt(r, 'simple.mdx', "  --expr 'derivation", 'annotation', '`--expr` is not allowed in a command block');
  });

  it('refuses an installable from outside the flake', async () => {
    const r = await broken([{ page: 'simple.mdx', from: COMMAND, to: `${COMMAND}\ntrue\n$ nix build nixpkgs#hello` }]);
    await expectProblemAt(r, 'simple.mdx', '$ nix build nixpkgs#hello', 'annotation', '`nixpkgs#hello` is not part of the assembled flake.');
  });
});
