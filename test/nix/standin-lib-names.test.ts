/**
 * The stand-in's lib holds no name that nixpkgs' lib lacks, and no function of it accepts an
 * argument that nixpkgs' does not: a snippet using one would pass offline and fail for readers.
 * nixpkgs' names are recorded in test/fixtures/nixpkgs-lib/names.json (the 26.05 branch point;
 * its `source` says which revision), the stand-in's are read with Nix.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { NIX_ENV, STANDIN } from './standin-tools.ts';

const run = promisify(execFile);

/** A value: null, or a function's formal arguments (`true`: has a default). */
type Names = Record<string, Record<string, boolean> | null>;
const nixpkgs = JSON.parse(readFileSync(new URL('../fixtures/nixpkgs-lib/names.json', import.meta.url), 'utf8')) as { source: string; top: Names; sub: Record<string, Names> };

/** The same shape as names.json, for the stand-in's lib, as nixpkgs' was recorded. */
const SHAPE = `
let
  lib = import ${STANDIN}/lib;
  describe = value:
    if builtins.isFunction value && builtins.functionArgs value != { } then builtins.functionArgs value else null;
  names = set: builtins.mapAttrs (_: describe) set;
  isLibrary = name: value: builtins.isAttrs value && !(value ? type) && !(builtins.elem name [ "maintainers" "teams" ]);
in
{
  top = names lib;
  sub = builtins.mapAttrs (_: names) (lib.filterAttrs isLibrary lib);
}`;

let standin: { top: Names; sub: Record<string, Names> };
beforeAll(async () => {
  const { stdout } = await run('nix', ['eval', '--json', '--impure', '--expr', SHAPE], { env: NIX_ENV, maxBuffer: 16 << 20 });
  standin = JSON.parse(stdout) as typeof standin;
});

/** What the stand-in has that nixpkgs has not: a name, or an argument of a function. */
function extras(ours: Names, theirs: Names | undefined, prefix: string): string[] {
  if (!theirs) return [`${prefix} (no such sub-library)`];
  return Object.entries(ours).flatMap(([name, args]) => {
    if (!(name in theirs)) return [`${prefix}.${name}`];
    const allowed = theirs[name];
    if (!args || !allowed) return [];
    return Object.keys(args)
      .filter((arg) => !(arg in allowed))
      .map((arg) => `${prefix}.${name} { ${arg} }`);
  });
}

describe(`the stand-in's lib, against nixpkgs' (${nixpkgs.source.split(',')[0]})`, () => {
  it('has only names that nixpkgs’ lib has at the top level', () => {
    expect(extras(standin.top, nixpkgs.top, 'lib')).toEqual([]);
  });

  it('has only names that nixpkgs’ sub-libraries have, and no argument their functions lack', () => {
    const found = Object.entries(standin.sub).flatMap(([sub, names]) => extras(names, nixpkgs.sub[sub], `lib.${sub}`));
    expect(found).toEqual([]);
  });

  it('finds a name that nixpkgs lacks, and an argument its function does not take', () => {
    // The comparison itself can fail: a made-up name and argument are reported.
    expect(extras({ mapAttrs: null, madeUp: null }, nixpkgs.top, 'lib')).toEqual(['lib.madeUp']);
    const toPretty = nixpkgs.sub.generators!.toPretty!;
    expect(extras({ toPretty: { ...toPretty, depthLimit: true } }, nixpkgs.sub.generators, 'lib.generators')).toEqual(['lib.generators.toPretty { depthLimit }']);
  });
});
