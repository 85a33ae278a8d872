/**
 * What the offline stand-in cannot build: a kernel it has no source for says so in its own
 * derivation (`standinNoSource`, see nixpkgs-standin/pkgs/linux/kernel.nix). A package whose
 * closure holds such a kernel is "not built here", which is a limit of the stand-in, not
 * drift. Only asked when the run uses the stand-in; with nixpkgs every package is built.
 */
import { readFile } from 'node:fs/promises';
import { requisites, type NixRunner } from './nix.ts';

export interface NotBuilt {
  drvPath: string;
  name: string;
  /** The stand-in's own words, e.g. "offline stand-in: no source for Linux 6.18.1. …". */
  reason: string;
}

/**
 * The unpack phase of the stand-in's unbuildable kernel (nixpkgs-standin/pkgs/linux/kernel.nix),
 * which refuses with its reason. Should the two drift apart, that kernel is built and fails
 * loudly, never passes: test/nix/build.test.ts holds them together.
 */
const REFUSAL = 'echo "$standinNoSource" >&2\nexit 1\n';

/**
 * The `standinNoSource` reason of a derivation's ATerm text, if it is one of the stand-in's
 * unbuildable kernels: a `linux` without `src` whose build does nothing but refuse, for the
 * version it names. A package of a page's that merely sets the variable is built like any
 * other. Pure.
 */
export function noSourceIn(aterm: string): string | undefined {
  const env = new Map([...aterm.matchAll(/\("((?:[^"\\]|\\.)*)","((?:[^"\\]|\\.)*)"\)/g)].map((m) => [unescapeAterm(m[1]!), unescapeAterm(m[2]!)]));
  const reason = env.get('standinNoSource');
  if (reason === undefined || env.get('pname') !== 'linux' || env.get('src') !== '' || env.get('unpackPhase') !== REFUSAL) return undefined;
  return reason.startsWith(`offline stand-in: no source for Linux ${env.get('version')}.`) ? reason : undefined;
}

function unescapeAterm(text: string): string {
  return text.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c);
}

/**
 * The packages among `packages` that the stand-in cannot build, with its reason. One query
 * for all of them; a query per package only when some kernel in the union is unbuildable.
 */
export async function standinLimits(nix: NixRunner, packages: readonly { drvPath: string; name: string }[]): Promise<{ notBuilt: NotBuilt[]; fault?: string }> {
  const all = await requisites(nix, packages.map((p) => p.drvPath));
  if (all.fault) return { notBuilt: [], fault: all.fault };
  let unbuildable: Map<string, string>;
  try {
    unbuildable = await markedDerivations(all.paths);
  } catch (error) {
    return { notBuilt: [], fault: `A derivation in the store cannot be read: ${(error as Error).message}` };
  }
  if (unbuildable.size === 0) return { notBuilt: [] };
  const notBuilt: NotBuilt[] = [];
  for (const pkg of packages) {
    const closure = await requisites(nix, [pkg.drvPath]);
    if (closure.fault) return { notBuilt: [], fault: closure.fault };
    const reason = closure.paths.map((p) => unbuildable.get(p)).find(Boolean);
    if (reason) notBuilt.push({ drvPath: pkg.drvPath, name: pkg.name, reason });
  }
  return { notBuilt };
}

async function markedDerivations(paths: readonly string[]): Promise<Map<string, string>> {
  const marked = new Map<string, string>();
  await Promise.all(
    paths
      .filter((p) => p.endsWith('.drv'))
      .map(async (path) => {
        const reason = noSourceIn(await readFile(path, 'utf8'));
        if (reason) marked.set(path, reason);
      }),
  );
  return marked;
}
