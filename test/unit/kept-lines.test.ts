import { describe, expect, it } from 'vitest';
import { keptLines, withoutCommentsAndStrings } from '../../src/lib/kept-lines.ts';

const configuration = `{ config, ... }:

{
  imports = [ ./hardware-configuration.nix ];

  boot.kernelModules = [ "qc71_laptop" ];

  networking.hostName = "hero";

  system.stateVersion = "26.05";
}
`;

const flake = `{
  outputs =
    { self, nixpkgs, ... }:
    let
      inherit (self.nixosConfigurations.hero) config;
    in
    {
      nixosConfigurations.hero = nixpkgs.lib.nixosSystem {
        modules = [ ./configuration.nix ];
      };
    };
}
`;

describe('keptLines', () => {
  it('finds the import of the hardware configuration, the host name and the state version of a configuration', () => {
    expect(keptLines('configuration.nix', configuration)).toEqual([
      { line: 4, reason: 'hardware' },
      { line: 8, reason: 'host-name' },
      { line: 10, reason: 'state-version' },
    ]);
  });

  it('finds every use of the host name as an attribute of nixosConfigurations in a flake', () => {
    expect(keptLines('flake.nix', flake)).toEqual([
      { line: 5, reason: 'host-name' },
      { line: 8, reason: 'host-name' },
    ]);
  });

  it('accepts quoted host names, spaces around dots and an import on its own line', () => {
    const text = ['{', '  nixosConfigurations."my-laptop" = x;', '  imports = [', '    ./hardware-configuration.nix', '  ];', '  system . stateVersion = "25.11";', '}'].join('\n');
    expect(keptLines('flake.nix', text).map((k) => k.line)).toEqual([2, 4, 6]);
  });

  it('keeps every line of hardware-configuration.nix, wherever it is', () => {
    expect(keptLines('hardware-configuration.nix', '{ ... }:\n{\n}\n')).toEqual([
      { line: 1, reason: 'hardware' },
      { line: 2, reason: 'hardware' },
      { line: 3, reason: 'hardware' },
    ]);
    expect(keptLines('hosts/hero/hardware-configuration.nix', '{ }\n')).toEqual([{ line: 1, reason: 'hardware' }]);
  });

  it('ignores comments, strings, other attribute paths and comparisons', () => {
    const text = [
      '{',
      '  # system.stateVersion = "26.05";',
      '  /* networking.hostName = "x";',
      '     ./hardware-configuration.nix */',
      '  description = "networking.hostName = x; ./hardware-configuration.nix";',
      "  script = ''",
      '    system.stateVersion = 1',
      "  '';",
      '  x = config.networking.hostName;',
      '  y = config.system.stateVersion == "26.05";',
      '  z = ./hardware-configuration.nix.bak;',
      '  mysystem.stateVersion = 1;',
      '}',
    ].join('\n');
    expect(keptLines('configuration.nix', text)).toEqual([]);
  });

  it('sees code inside interpolations', () => {
    const text = 'x = "${ { networking.hostName = "a"; }.networking.hostName }";\n';
    expect(keptLines('configuration.nix', text)).toEqual([{ line: 1, reason: 'host-name' }]);
  });

  it('has nothing to keep in files that are not Nix', () => {
    expect(keptLines('README.md', 'system.stateVersion = "26.05";\n')).toEqual([]);
    expect(keptLines('flake.lock', '{ "nixosConfigurations.hero": 1 }\n')).toEqual([]);
  });
});

describe('withoutCommentsAndStrings', () => {
  it('blanks comments and string contents, keeping every line break and column', () => {
    const text = 'a = "b # c"; # d\ne = \'\'\n  f ${g} \'\'\' h\n\'\'; /* i\nj */ k';
    const out = withoutCommentsAndStrings(text);
    expect(out.split('\n').map((l) => l.length)).toEqual(text.split('\n').map((l) => l.length));
    expect(out).toBe('a = "     ";    \ne = \'\'\n    ${g}      \n\'\'; ' + '    \n     k');
  });

  it("reads ''\\ as escaping the next character, even a quote", () => {
    // `''\'` is an escaped quote: the `''` after it still belongs to the string's text.
    const text = "s = '' a ''\\'' b ''; networking.hostName = \"x\";";
    expect(withoutCommentsAndStrings(text)).toBe("s = ''           ''; networking.hostName = \" \";");
  });
});
