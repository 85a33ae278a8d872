/**
 * How the verifier's command lines run (`npm run verify`, `npm run build`): on every way out
 * (the end, SIGINT, SIGTERM, an error nothing caught), the Nix calls and virtual machines still
 * running are stopped and the scratch folders removed. Both steps are synchronous, idempotent
 * and never throw, so they are safe from any handler.
 */
import { killRunningSync } from './nix.ts';
import { removeWorkspacesSync } from './workspace.ts';

export async function runProgram(main: () => Promise<number>): Promise<never> {
  // zx's process-tree lookup, used to stop a Nix call that runs past --timeout, trips a Node
  // deprecation warning (DEP0190) that says nothing about this program.
  process.noDeprecation = true;
  const cleanUp = () => {
    killRunningSync();
    removeWorkspacesSync();
  };
  const exit = (code: number): never => {
    cleanUp();
    return process.exit(code);
  };
  // Anything main did not turn into a diagnostic is an environment problem: one line, exit 2.
  const fail = (error: unknown): never => {
    cleanUp();
    const message = error instanceof Error ? error.message : String(error);
    // A full disk is most often the temporary folder, where every scratch folder goes.
    const full = (error as NodeJS.ErrnoException | undefined)?.code === 'ENOSPC';
    const hint = full ? `\nA disk is full. Scratch folders go to TMPDIR (\`${process.env.TMPDIR || '/tmp'}\`): free some space there, or set TMPDIR to a folder with space.` : '';
    process.stderr.write(`error: ${message}${hint}\n`);
    if (process.env.VERIFY_DEBUG === '1' && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return exit(2);
  };
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) process.once(signal, () => exit(code));
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  process.on('exit', cleanUp);
  try {
    return exit(await main());
  } catch (error) {
    return fail(error);
  }
}
