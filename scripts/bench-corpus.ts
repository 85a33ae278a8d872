/**
 * A synthetic corpus shaped like the guide, for measuring the verifier at any size: pages of
 * ten blocks (whole files, fragments into a glue template's slot, a command block), one flake
 * for every five pages with one expected failure. `broken` plants one block that does not
 * parse, which a run must find. Pure: returns files, the caller writes them.
 */

export interface Corpus {
  /** Path (relative to the corpus root) → text. */
  files: Map<string, string>;
  pages: string[];
  blocks: number;
  /** Where the planted broken block's code starts, when there is one. */
  broken?: { page: string; line: number };
}

const PAGES_PER_FLAKE = 5;
const FRAGMENTS_PER_PAGE = 8;

export function corpus(blocks: number, options: { broken?: boolean } = {}): Corpus {
  const pageCount = Math.max(PAGES_PER_FLAKE, Math.ceil(blocks / 10));
  const files = new Map<string, string>();
  const pages: string[] = [];
  let count = 0;
  let broken: Corpus['broken'];
  const brokenPage = Math.floor(pageCount / 2);
  for (let p = 0; p < pageCount; p++) {
    const flake = `g${Math.floor(p / PAGES_PER_FLAKE)}`;
    const first = p % PAGES_PER_FLAKE === 0;
    const lines = [`# Page ${p}`, ''];
    const block = (meta: string, code: string[]) => {
      count++;
      lines.push(`\`\`\`${meta}`, ...code, '```', '');
    };
    if (first) {
      files.set(`flakes/${flake}/values.nix`, ['{ lib }:', '{', '  # slot: body', '}', ''].join('\n'));
      block(`nix flake="${flake}" title="flake.nix"`, [
        '{',
        '  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";',
        '',
        '  outputs =',
        '    { nixpkgs, ... }:',
        '    let',
        '      values = import ./values.nix { inherit (nixpkgs) lib; };',
        '    in',
        '    {',
        '      inherit values;',
        '      # Evaluating the package evaluates every value.',
        '      packages.x86_64-linux.default = derivation {',
        '        name = builtins.deepSeq values "values";',
        '        system = "x86_64-linux";',
        '        builder = "/bin/sh";',
        '      };',
        '    };',
        '}',
      ]);
      block(`nix flake="${flake}" title="values.nix" slot="body" fails="undefined variable 'notDefined${p}'"`, [`v${p}_x = notDefined${p};`]);
    } else {
      block(`nix flake="${flake}" title="lib/m${p}.nix"`, ['{ lib }:', `lib.id ${p}`]);
      block(`nix flake="${flake}" title="lib/n${p}.nix"`, ['{ lib }:', `lib.id ${p + 1}`]);
    }
    for (let i = 0; i < FRAGMENTS_PER_PAGE - 1; i++) {
      const planted = options.broken && p === brokenPage && i === 3;
      if (planted) broken = { page: `pages/p${p}.md`, line: lines.length + 2 };
      block(`nix flake="${flake}" title="values.nix" slot="body"`, [planted ? `v${p}_${i} = [ ${i} ;` : `v${p}_${i} = ${i} + 1;`]);
    }
    block(`console flake="${flake}"`, [`$ nix eval .#values.v${p}_0`, '1']);
    const page = `pages/p${p}.md`;
    files.set(page, lines.join('\n'));
    pages.push(page);
  }
  return { files, pages, blocks: count, ...(broken ? { broken } : {}) };
}
