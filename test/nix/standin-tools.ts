/**
 * Running Nix against the offline stand-in from the stand-in's tests: in a work folder that
 * holds `exprs.nix` (expressions importing the stand-in) and `flake/` (a flake whose `nixpkgs`
 * input is overridden with it).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const STANDIN = fileURLToPath(new URL('../../scripts/verifier/nixpkgs-standin', import.meta.url));

/** Nix as CI runs it: root, no daemon, nothing from binary caches. */
export const NIX_ENV = {
  ...process.env,
  NIX_CONFIG: ['experimental-features = nix-command flakes', 'build-users-group =', 'substituters =', 'sandbox = false'].join('\n'),
};

export const FLAKE_ARGS = ['--no-eval-cache', '--no-write-lock-file', '--override-input', 'nixpkgs', `path:${STANDIN}`];

/** The helpers, for the work folder `work()` names (set in a test file's beforeAll). */
export function standinNix(work: () => string) {
  const nix = async (command: 'nix' | 'nix-store', args: string[]): Promise<string> => {
    const { stdout } = await run(command, args, { env: NIX_ENV, cwd: work(), maxBuffer: 16 << 20, timeout: 120_000 });
    return stdout;
  };
  /** Runs a `nix` command that must fail, and returns its stderr. */
  const nixFails = async (args: string[]): Promise<string> => {
    try {
      await nix('nix', args);
    } catch (error) {
      const failure = error as { code?: unknown; stderr?: string };
      if (failure.code === 'ENOENT' || failure.stderr === undefined) throw error;
      return failure.stderr;
    }
    throw new Error(`expected \`nix ${args.join(' ')}\` to fail`);
  };
  const exprArgs = (attr: string) => ['eval', '--impure', '--json', '--file', join(work(), 'exprs.nix'), attr];
  const flakeArgs = (attr: string, apply?: string) => ['eval', '--json', ...FLAKE_ARGS, `${join(work(), 'flake')}#${attr}`, ...(apply ? ['--apply', apply] : [])];
  return {
    nix,
    nixFails,
    /** An attribute of `exprs.nix`. */
    evalExpr: async (attr: string): Promise<unknown> => JSON.parse(await nix('nix', exprArgs(attr))),
    evalExprFails: (attr: string) => nixFails(exprArgs(attr)),
    /** An attribute of the test flake (optionally through `--apply`). */
    evalFlake: async (attr: string, apply?: string): Promise<unknown> => JSON.parse(await nix('nix', flakeArgs(attr, apply))),
    evalFlakeFails: (attr: string) => nixFails(flakeArgs(attr)),
  };
}
