import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  diagnoseNixError,
  missingPathReferences,
  optionDefinitions,
  pagePaths,
  parseNixError,
  type SourceIndex,
} from '../../scripts/verifier/nix-output.ts';
import type { AssembledFlake } from '../../scripts/verifier/types.ts';

const recorded = (name: string) => readFileSync(new URL(`../fixtures/nix-output/${name}.txt`, import.meta.url), 'utf8');
const STORE = '/nix/store/k14jqr5dc1diz80mg48kbb63w5fc98y8-source';

// b.nix: lines 1-2 and 7 are glue, lines 3-6 come from a fragment at page.mdx:20 (code from line 21, indented by 2).
const flake: AssembledFlake = {
  name: 'simple',
  links: {},
  files: [
    {
      path: 'b.nix',
      text: '{ kernel }:\n{\n  boot.extraModulePackage = [ ];\n  y = 1;\n  z = 2;\n  x = k.modDirVersio;\n}\n',
      origins: [
        { kind: 'glue', path: 'src/flakes/simple/b.nix', line: 1 },
        { kind: 'glue', path: 'src/flakes/simple/b.nix', line: 2 },
        ...[0, 1, 2, 3].map((i) => ({ kind: 'block' as const, blockId: 'page.mdx:20', page: 'page.mdx', line: 21 + i, columnOffset: -2 })),
        { kind: 'glue', path: 'src/flakes/simple/b.nix', line: 4 },
      ],
    },
  ],
};
const index: SourceIndex = { roots: new Map([[STORE, flake]]) };
const fallback = { file: 'flake simple' };

describe('parseNixError', () => {
  it('leaves out the advice Nix gives when run without --show-trace', () => {
    // As Nix 2.8 prints an `abort` without a position.
    const stderr = "error: evaluation aborted with the following error message: 'Function called without required argument'\n(use '--show-trace' to show detailed location information)\n";
    expect(parseNixError(stderr).message).toBe("evaluation aborted with the following error message: 'Function called without required argument'");
  });

  it('reads Nix 2.8: message first, then its position', () => {
    expect(parseNixError(recorded('nix-2.8-missing-attribute'))).toEqual({
      message: "attribute 'modDirVersio' missing",
      positions: [{ path: `${STORE}/b.nix`, line: 6, column: 7 }],
    });
  });

  it('reads modern Nix: the innermost error last, then the trace inside out', () => {
    const error = parseNixError(recorded('nix-modern-missing-attribute'));
    // The hint after the code frame stays with the message.
    expect(error.message).toBe("attribute 'modDirVersio' missing\nDid you mean modDirVersion?");
    expect(error.positions.map((p) => `${p.path.replace(/^.*-source\//, '')}:${p.line}:${p.column}`)).toEqual([
      'b.nix:6:9',
      'b.nix:6:3',
      'flake.nix:6:7',
    ]);
  });

  it('finds positions nixpkgs writes into its messages', () => {
    expect(parseNixError(recorded('nix-2.8-callpackage')).positions).toEqual([{ path: `${STORE}/b.nix`, line: 3, column: 1 }]);
  });

  it('keeps a message with no position', () => {
    expect(parseNixError('error: something odd\n')).toEqual({ message: 'something odd', positions: [] });
  });
});

describe('diagnoseNixError', () => {
  it('points at the page line and column, shifted by the fragment indentation', () => {
    expect(diagnoseNixError(recorded('nix-2.8-missing-attribute'), index, fallback, 'eval')).toEqual({
      reason: "attribute 'modDirVersio' missing",
      file: 'page.mdx',
      place: { line: 24, column: 5 },
      ruleId: 'eval',
      blockId: 'page.mdx:20',
    });
    expect(diagnoseNixError(recorded('nix-modern-missing-attribute'), index, fallback, 'eval')).toEqual({
      reason: "attribute 'modDirVersio' missing\nDid you mean modDirVersion?",
      file: 'page.mdx',
      place: { line: 24, column: 7 },
      ruleId: 'eval',
      blockId: 'page.mdx:20',
    });
  });

  it('points glue lines at the glue file', () => {
    const stderr = `error: undefined variable 'kernl'\n\n       at ${STORE}/b.nix:1:3:\n`;
    expect(diagnoseNixError(stderr, index, fallback, 'parse')).toMatchObject({
      file: 'src/flakes/simple/b.nix',
      place: { line: 1, column: 3 },
    });
  });

  it('finds the line that defines a NixOS option Nix names without a line', () => {
    expect(diagnoseNixError(recorded('nix-2.8-option'), index, fallback, 'eval')).toMatchObject({
      // The file as the reader knows it, never its store path.
      reason: "The option `boot.extraModulePackage' does not exist. Definition values:\n- In `b.nix'",
      file: 'page.mdx',
      place: { line: 21, column: 1 },
      blockId: 'page.mdx:20',
    });
  });

  it('falls back to the flake when nothing maps, naming the raw position', () => {
    const stderr = "error: attribute 'x' missing\n\n       at /nix/store/0000000000000000000000000000000b-source/lib.nix:1:1:\n";
    expect(diagnoseNixError(stderr, index, fallback, 'eval')).toEqual({
      reason: "attribute 'x' missing",
      file: 'flake simple',
      ruleId: 'eval',
      notes: ['in /nix/store/0000000000000000000000000000000b-source/lib.nix:1:1'],
    });
  });
});

describe('optionDefinitions', () => {
  it('prefers the longest matching suffix of the option path', () => {
    const message = "The option `boot.extraModulePackage' does not exist. Definition values:\n- In `" + STORE + "/b.nix'";
    expect(optionDefinitions(message, index)).toEqual([{ path: `${STORE}/b.nix`, line: 3, column: 3 }]);
  });
});

describe('pagePaths', () => {
  it('tells a second place a message names as its page line, and a whole file as its page or glue file', () => {
    expect(pagePaths(`attribute 'y' already defined at ${STORE}/b.nix:5:3`, index)).toBe("attribute 'y' already defined at page.mdx:23:1");
    expect(pagePaths(`In \`${STORE}/b.nix'`, index)).toBe("In `b.nix'");
    expect(pagePaths('nothing to map at /nix/store/other-source/x.nix:1:1', index)).toBe('nothing to map at /nix/store/other-source/x.nix:1:1');
  });
});

describe('an error at the end of a file', () => {
  // Nix 2.8 puts it past the last character of the last line; current Nix on the line after
  // the final newline. Both are the end of the fragment's last line, page.mdx:24.
  it.each([
    ['Nix 2.8', 7, 2],
    ['current Nix', 8, 1],
  ])('as %s gives it, is the end of the last line', (_nix, line, column) => {
    const stderr = `error: syntax error, unexpected end of file\n       at ${STORE}/b.nix:${line}:${column}:\n`;
    expect(diagnoseNixError(stderr, index, fallback, 'parse')).toMatchObject({ file: 'src/flakes/simple/b.nix', place: { line: 4, column: 2 } });
  });
});

describe('missingPathReferences', () => {
  const overlay: AssembledFlake = {
    name: 'nur',
    links: {},
    files: [
      {
        path: 'overlays/default.nix',
        text: 'final: prev: {\n  x = import ../pkgs/linux-package;\n}\n',
        origins: [1, 2, 3].map((line) => ({ kind: 'glue' as const, path: 'o.nix', line })),
      },
    ],
  };
  const nur: SourceIndex = { roots: new Map([[STORE, overlay]]) };

  it('finds the line that spells a path Nix could not find', () => {
    const message = `getting status of '${STORE}/pkgs/linux-package': No such file or directory`;
    expect(missingPathReferences(message, nur)).toEqual([{ path: `${STORE}/overlays/default.nix`, line: 2, column: 14 }]);
    expect(diagnoseNixError(`error: ${message}\n`, nur, fallback, 'eval')).toMatchObject({ file: 'o.nix', place: { line: 2, column: 14 } });
  });

  it('reads the path as each Nix names it: quoted, double-quoted, or bare', () => {
    const expected = [{ path: `${STORE}/overlays/default.nix`, line: 2, column: 14 }];
    // Nix 2.26 and 2.34, for a directory that packagesFromDirectoryRecursive cannot read.
    expect(missingPathReferences(`reading directory ${STORE}/pkgs/linux-package: No such file or directory`, nur)).toEqual(expected);
    expect(missingPathReferences(`cannot read directory "${STORE}/pkgs/linux-package": No such file or directory`, nur)).toEqual(expected);
  });

  it('ignores paths outside the flakes and paths that exist', () => {
    expect(missingPathReferences("getting status of '/etc/nothing'", nur)).toEqual([]);
    expect(missingPathReferences(`reading '${STORE}/overlays/default.nix'`, nur)).toEqual([]);
  });
});

describe('the environment Nix runs in', async () => {
  const { nixEnvironment } = await import('../../scripts/verifier/nix.ts');
  it('keeps what Nix reads and drops everything else', () => {
    const env = nixEnvironment({
      PATH: '/usr/bin',
      HOME: '/root',
      NIX_CONFIG: 'sandbox = false',
      https_proxy: 'http://proxy',
      NIX_PATH: 'nixpkgs=/somewhere',
      GITHUB_TOKEN: 'secret',
      AWS_SECRET_ACCESS_KEY: 'secret',
      NODE_OPTIONS: '--inspect',
    });
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/root', NIX_CONFIG: 'sandbox = false', https_proxy: 'http://proxy' });
  });

  it('keeps a TMPDIR that builds can use, and drops one with a space, where kbuild fails', () => {
    expect(nixEnvironment({ TMPDIR: '/var/tmp/ci-1.2_x' })).toEqual({ TMPDIR: '/var/tmp/ci-1.2_x' });
    expect(nixEnvironment({ TMPDIR: '/tmp/my builds #1' })).toEqual({});
  });
});

describe('describeNixVersion', async () => {
  const { describeNixVersion } = await import('../../scripts/verifier/nix.ts');
  it.each([
    ['nix (Nix) 2.8.0', '2.8.0', 'Nix 2.8.0'],
    ['nix (Nix) 2.24.10\n', '2.24.10', 'Nix 2.24.10'],
    ['nix (Lix, like Nix) 2.93.0', '2.93.0', 'Lix 2.93.0'],
    ['nix (Determinate Nix 3.6.2) 2.29.0', '2.29.0', 'Determinate Nix 3.6.2 (Nix 2.29.0)'],
  ])('%j', (line, number, name) => {
    expect(describeNixVersion(line)).toEqual({ number, name });
  });
});

describe('parseNixError on the layouts of other Nix versions', () => {
  it('takes the failing builder, not the summary after it (Nix 2.8 to 2.2x)', () => {
    const error = parseNixError(recorded('nix-2.18-builder-failed'));
    expect(error.message).toMatch(/^builder for '\/nix\/store\/[0-9a-z]{32}-hello-module-1\.0\.drv' failed with exit code 2/);
  });

  it('takes the derivation whose builder failed, not the ones that depended on it (Nix 2.26+)', () => {
    const error = parseNixError(recorded('nix-2.31-cannot-build'));
    expect(error.message).toMatch(/^Cannot build '\/nix\/store\/[0-9a-z]{32}-hello-module-1\.0\.drv'\.\nReason: builder failed with exit code 2\./);
  });

  it('keeps the lines under an empty error line (NixOS failed assertions)', () => {
    const error = parseNixError(recorded('nix-modern-failed-assertions'));
    expect(error.message).toBe("Failed assertions:\n- The ‘fileSystems’ option does not specify your root file system.");
  });

  it('reads positions inside a path: input as the files they are (lazy trees, Nix 2.32+)', () => {
    const error = parseNixError(recorded('nix-lazy-trees-undefined-variable'));
    expect(error.message).toBe("undefined variable 'confg'\nDid you mean config?");
    expect(error.positions[0]).toEqual({ path: '/tmp/nix-verify-Ab12/flakes/simple/configuration.nix', line: 5, column: 16 });
    expect(error.positions.some((p) => p.path.startsWith('«github:NixOS/nixpkgs/'))).toBe(true);
  });
});

describe('optionDefinitions: where a NixOS option error comes from', () => {
  const text = [
    '{ config, ... }:', // 1
    '{', // 2
    '  boot.loader = {', // 3
    '    systemdBoot.enable = true;', // 4
    '  };', // 5
    '  # systemd.services.old = { };', // 6
    '  systemd.services.hello.enable = true;', // 7
    '  boot.kernelModules = [ "qc71_laptop" ];', // 8
    '}', // 9
  ].join('\n');
  const file: AssembledFlake = {
    name: 'simple',
    links: {},
    files: [{ path: 'configuration.nix', text: `${text}\n`, origins: text.split('\n').map((_, i) => ({ kind: 'glue' as const, path: 'c.nix', line: i + 1 })) }],
  };
  const where: SourceIndex = { roots: new Map([[STORE, file]]) };
  const at = (line: number, column: number) => [{ path: `${STORE}/configuration.nix`, line, column }];

  it('finds a nested spelling', () => {
    expect(optionDefinitions(`The option \`boot.loader.systemdBoot.enable' does not exist. Definition values:\n- In \`${STORE}/configuration.nix'`, where)).toEqual(at(4, 5));
  });

  it('looks in every file for a module written inline', () => {
    expect(optionDefinitions("The option `boot.loader.systemdBoot.enable' does not exist. Definition values:\n- In `<unknown-file>'", where)).toEqual(at(4, 5));
  });

  it('finds an option named by a prefix of what the page binds, and skips comments', () => {
    expect(optionDefinitions(`The option \`systemd' does not exist. Definition values:\n- In \`${STORE}/configuration.nix'`, where)).toEqual(at(7, 3));
  });

  it('reads through `, via option` and `[definition N-entry M]`', () => {
    const message = `A definition for option \`boot.kernelModules.[definition 1-entry 1]' is not of type \`string'. Definition values:\n- In \`${STORE}/configuration.nix', via option \`boot.initrd.kernelModules'`;
    expect(optionDefinitions(message, where)).toEqual(at(8, 3));
  });
});

describe('environmentFailure: the machine, not the snippets', async () => {
  const { environmentFailure } = await import('../../scripts/verifier/nix.ts');
  it.each([
    "error: creating directory '/root/.cache/nix': Permission denied",
    "error: writing to file '/nix/store/.links/x': No space left on device",
    "error: cannot connect to socket at '/nix/var/nix/daemon-socket/socket': Connection refused",
    "error: opening lock file '/nix/var/nix/db/big-lock': Permission denied",
  ])('%s', (line) => {
    expect(environmentFailure(`${line}\n`)).toMatch(/^Nix cannot work on this machine: /);
  });
  it('leaves a snippet’s own errors and build logs alone', () => {
    expect(environmentFailure("error: undefined variable 'confg'\n")).toBeUndefined();
    expect(environmentFailure("       > cp: cannot create regular file '/usr/x': Permission denied\nerror: builder for '/nix/store/x.drv' failed\n")).toBeUndefined();
  });
});
