/**
 * Where the offline stand-in imitates a nixpkgs behaviour that a snippet of the guide can hit,
 * it must end the way nixpkgs (nixos-26.05) ends: with the same value, or failing with the same
 * words. One test per behaviour of issue 11, each naming the nixpkgs file it holds the stand-in
 * to. Every test asserts an outcome that the stand-in before that issue did not have, so each
 * fails if the behaviour is lost. Needs Nix: without it every test fails, none is skipped.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STANDIN, standinNix } from './standin-tools.ts';

let work: string;
const { evalExpr, evalExprFails, evalFlake, evalFlakeFails } = standinNix(() => work);

/** A module package in the guide's shape, small enough to evaluate only. */
const MODULE = `{ lib, stdenv, kernel, kernelModuleMakeFlags }:
stdenv.mkDerivation {
  pname = "qc71-slimbook-laptop";
  version = "0-unstable-2024-12-18";
  src = ./.;
  makeFlags = kernelModuleMakeFlags;
  passthru.kdir = "\${kernel.dev}/lib/modules/\${kernel.modDirVersion}/build";
  meta.platforms = [ "x86_64-linux" ];
}
`;

const HARDWARE = `{ lib, ... }:
{
  boot.loader.systemd-boot.enable = true;
  fileSystems."/".device = "/dev/disk/by-label/nixos";
  fileSystems."/".fsType = "ext4";
  nixpkgs.hostPlatform = lib.mkDefault "x86_64-linux";
}
`;

/** The overlays a reader could write to add the module to every kernel package set. */
const OVERLAYS = {
  // The trap: the set gains the attribute, but only until something calls `.extend` on it.
  update: `final: prev: {
  linuxKernel = prev.linuxKernel // {
    packagesFor =
      kernel:
      prev.linuxKernel.packagesFor kernel
      // {
        qc71-slimbook-laptop = (prev.linuxKernel.packagesFor kernel).callPackage ./module.nix { };
      };
  };
}
`,
  extensions: `final: prev: {
  kernelPackagesExtensions = prev.kernelPackagesExtensions ++ [
    (kFinal: kPrev: { qc71-slimbook-laptop = kFinal.callPackage ./module.nix { }; })
  ];
}
`,
};

const FILES: Record<string, string> = {
  'module.nix': MODULE,
  'flake/module.nix': MODULE,
  'flake/hardware.nix': HARDWARE,
  'flake/update-overlay.nix': OVERLAYS.update,
  'flake/extensions-overlay.nix': OVERLAYS.extensions,
  'tree/bar.nix': `{ stdenv }: stdenv.mkDerivation { pname = "bar"; version = "1"; }\n`,
  'flake/flake.nix': `{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";
  outputs =
    { nixpkgs, ... }:
    let
      system = modules: nixpkgs.lib.nixosSystem { modules = [ ./hardware.nix ] ++ modules; };
      withOverlay = overlay: {
        nixpkgs.overlays = [ (import overlay) ];
      };
      takesModule =
        { config, ... }:
        {
          boot.extraModulePackages = with config.boot.kernelPackages; [ qc71-slimbook-laptop ];
        };
    in
    {
      nixosConfigurations = {
        updateOverlay = system [ (withOverlay ./update-overlay.nix) takesModule ];
        extensionsOverlay = system [ (withOverlay ./extensions-overlay.nix) takesModule ];
        attrsetModules = system [
          { boot.kernelModules = { qc71_laptop = true; }; }
          { boot.kernelModules = [ "zz_last" "qc71_laptop" "aa_first" ]; }
          { boot.kernelModules = { aa_first = true; disabled = false; }; }
          { boot.initrd.kernelModules = { nvme = true; }; }
        ];
        stringModules = system [ { boot.kernelModules = "qc71_laptop"; } ];
        wrongEntry = system [ { boot.extraModulePackages = [ "qc71_laptop" ]; } ];
        wrongLeaf = system [ { networking.hostName = 71; } ];
      };
    };
}
`,
  'exprs.nix': `let
  pkgs = import ${STANDIN} { system = "x86_64-linux"; };
  inherit (pkgs) lib;
  withOverlay = overlay: import ${STANDIN} {
    system = "x86_64-linux";
    overlays = [ (import overlay) ];
  };
  updated = withOverlay ./flake/update-overlay.nix;
  extended = withOverlay ./flake/extensions-overlay.nix;
  counter = lib.makeExtensible (self: { a = 1; b = self.a + 1; });
  tree = directory: lib.packagesFromDirectoryRecursive { inherit (pkgs) callPackage; inherit directory; };
  typeError = type: value:
    (lib.evalModules {
      modules = [
        { options.value = lib.mkOption { inherit type; }; }
        { inherit value; }
      ];
    }).config.value;
in
{
  updated = {
    inPkgs = updated.linuxPackages ? qc71-slimbook-laptop;
    afterExtend = (updated.linuxPackages.extend (final: prev: { })) ? qc71-slimbook-laptop;
  };

  extendWithOverlay = (counter.extend (final: prev: { a = 10; })).b;
  extendWithSet = (counter.extend { a = 10; }).b;
  extendWithOneArgument = (counter.extend (final: { a = 10; })).b;
  toExtensionStillAcceptsThem = [
    ((lib.toExtension { a = 10; }) { } { }).a
    ((lib.toExtension (prev: { a = prev.a + 1; })) { } { a = 1; }).a
  ];

  extensions = {
    linuxPackages = extended.linuxPackages ? qc71-slimbook-laptop;
    linuxPackages_latest = extended.linuxPackages_latest ? qc71-slimbook-laptop;
    linuxPackagesFor = (extended.linuxPackagesFor extended.linux_6_6) ? qc71-slimbook-laptop;
    afterExtend = (extended.linuxPackages.extend (final: prev: { })) ? qc71-slimbook-laptop;
    kdirKernel = extended.linuxPackages_6_6.qc71-slimbook-laptop.kdir == "\${extended.linux_6_6.dev}/lib/modules/\${extended.linux_6_6.modDirVersion}/build";
    untouched = pkgs.linuxPackages ? qc71-slimbook-laptop;
  };
  # An extension that replaces the set's kernel also moves kernelModuleMakeFlags to it.
  replacedKernel =
    let
      set = pkgs.linuxPackages_6_12.extend (final: prev: { kernel = pkgs.linux_6_6; });
    in
    lib.last (lib.filter (lib.hasPrefix "KBUILD_OUTPUT=") set.kernelModuleMakeFlags)
    == "KBUILD_OUTPUT=\${pkgs.linux_6_6.dev}/lib/modules/\${pkgs.linux_6_6.modDirVersion}/build";

  libNames = {
    atTopLevel = lib.filter (name: lib ? \${name}) [
      "release"
      "availableOn"
      "escapeNixIdentifier"
      "escapeNixString"
      "standinVersion"
      "typeOf"
    ];
    inParts = [
      (lib.trivial ? release)
      (lib.meta ? availableOn)
      (lib.strings ? escapeNixIdentifier)
      (lib.strings ? escapeNixString)
    ];
  };

  treeFromPath = (tree ./tree).bar.name;
  treeFromString = (tree (toString ./tree)).bar.name;
  appendToString = lib.path.append "/tmp" "x";
  appendParent = lib.path.append ./tree "../x";

  listOfString = typeError (lib.types.listOf lib.types.str) "qc71_laptop";
  attrsOfBool = typeError (lib.types.attrsOf lib.types.bool) [ "qc71_laptop" ];
  plainString = typeError lib.types.str 71;

  makeFlags = map (flag: builtins.head (lib.splitString "=" flag)) pkgs.linuxPackages.kernelModuleMakeFlags;

  kernelOutputs = pkgs.linux_6_12.outputs;
  modulesOutput = pkgs.linux_6_12.modules.outputName;
}
`,
};

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'standin-fidelity-'));
  for (const [path, text] of Object.entries(FILES)) {
    await mkdir(dirname(join(work, path)), { recursive: true });
    await writeFile(join(work, path), text);
  }
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('nixos/modules/system/boot/kernel.nix', () => {
  it('boot.kernelPackages calls .extend, so a package an overlay added with `//` is gone', async () => {
    // The overlay did add it to pkgs, and `.extend` is what drops it ...
    expect(await evalExpr('updated')).toEqual({ inPkgs: true, afterExtend: false });
    // ... so a configuration that takes it from config.boot.kernelPackages fails, as with NixOS.
    const stderr = await evalFlakeFails('nixosConfigurations.updateOverlay.config.boot.extraModulePackages');
    expect(stderr).toContain("error: undefined variable 'qc71-slimbook-laptop'");
  });

  it('boot.kernelModules takes { name = true; } too, and other modules read a sorted list without duplicates', async () => {
    expect(await evalFlake('nixosConfigurations.attrsetModules.config.boot.kernelModules')).toEqual([
      'aa_first',
      'atkbd',
      'loop',
      'qc71_laptop',
      'zz_last',
    ]);
    expect(await evalFlake('nixosConfigurations.attrsetModules.config.boot.initrd.kernelModules')).toEqual(['dm_mod', 'nvme']);
  });

  it('boot.kernelModules rejects a string with nixpkgs\' type description and TypeError prefix', async () => {
    const stderr = await evalFlakeFails('nixosConfigurations.stringModules.config.boot.kernelModules');
    expect(stderr).toContain(
      "error: A definition for option `boot.kernelModules' is not of type `(attribute set of boolean) or (list of string) convertible to it'. TypeError: Definition values:",
    );
    // An inline module has no file, in NixOS as here.
    expect(stderr).toContain('- In `<unknown-file>\': "qc71_laptop"');
  });

  it('system.modulesTree takes the kernel\'s `modules` output (nixpkgs PR 423933)', async () => {
    expect(await evalExpr('kernelOutputs')).toEqual(['out', 'dev', 'modules']);
    expect(await evalExpr('modulesOutput')).toBe('modules');
  });
});

describe('lib/fixed-points.nix', () => {
  it('.extend takes an overlay `final: prev:`', async () => {
    expect(await evalExpr('extendWithOverlay')).toBe(11);
  });

  it('.extend rejects an attribute set with Nix\'s "not a function but a set"', async () => {
    expect(await evalExprFails('extendWithSet')).toContain('attempt to call something which is not a function but a set');
  });

  it('.extend rejects a one-argument function the same way', async () => {
    expect(await evalExprFails('extendWithOneArgument')).toContain('attempt to call something which is not a function but a set');
  });

  it('lib.toExtension, which asks for it, still turns both into overlays', async () => {
    expect(await evalExpr('toExtensionStillAcceptsThem')).toEqual([10, 2]);
  });
});

describe('pkgs/top-level/linux-kernels.nix', () => {
  it('applies kernelPackagesExtensions to every kernel package set, as from 25.11 (PR 448069)', async () => {
    expect(await evalExpr('extensions')).toEqual({
      linuxPackages: true,
      linuxPackages_latest: true,
      linuxPackagesFor: true,
      afterExtend: true,
      kdirKernel: true,
      untouched: false,
    });
  });

  it('keeps an extension through NixOS\'s boot.kernelPackages', async () => {
    const modules = (await evalFlake('nixosConfigurations.extensionsOverlay.config.boot.extraModulePackages')) as string[];
    expect(modules).toEqual([expect.stringMatching(/-qc71-slimbook-laptop-0-unstable-2024-12-18$/)]);
  });

  it('builds kernelModuleMakeFlags from the set\'s own kernel, so an extension that replaces it moves them', async () => {
    expect(await evalExpr('replacedKernel')).toBe(true);
  });

  it('kernelModuleMakeFlags: common-flags.nix\'s flags in its order, then KBUILD_OUTPUT', async () => {
    const names = (await evalExpr('makeFlags')) as string[];
    const nixpkgs = ['CC', 'CXX', 'LD', 'AR', 'NM', 'STRIP', 'OBJCOPY', 'OBJDUMP', 'READELF', 'HOSTCC', 'HOSTCXX', 'HOSTAR', 'HOSTLD', 'ARCH', 'CROSS_COMPILE', 'KBUILD_OUTPUT'];
    // Exactly nixpkgs' flags: the stand-in's kernels have the Module.symvers of a whole build.
    expect(names).toEqual(nixpkgs);
  });
});

describe('lib/default.nix', () => {
  it('has no top-level names that nixpkgs\' lib lacks; they stay in their parts', async () => {
    expect(await evalExpr('libNames')).toEqual({ atTopLevel: [], inParts: [true, true, true, true] });
  });
});

describe('lib/modules.nix and lib/types.nix', () => {
  it('prefixes "TypeError:" for a type with a v2 merge (listOf)', async () => {
    expect(await evalExprFails('listOfString')).toContain(
      "error: A definition for option `value' is not of type `list of string'. TypeError: Definition values:",
    );
  });

  it('prefixes "TypeError:" for attrsOf', async () => {
    expect(await evalExprFails('attrsOfBool')).toContain(
      "error: A definition for option `value' is not of type `attribute set of boolean'. TypeError: Definition values:",
    );
  });

  it('has no prefix for a plain type (str)', async () => {
    const stderr = await evalExprFails('plainString');
    expect(stderr).toContain("error: A definition for option `value' is not of type `string'. Definition values:");
    expect(stderr).not.toContain('TypeError');
  });

  it('an entry of the wrong type in a NixOS list option is the entry type\'s error, without the prefix', async () => {
    const stderr = await evalFlakeFails('nixosConfigurations.wrongEntry.config.boot.extraModulePackages');
    // showOption quotes the entry's name, as nixpkgs' does.
    expect(stderr).toContain(
      "A definition for option `boot.extraModulePackages.\"[definition 1-entry 1]\"' is not of type `package'. Definition values:",
    );
    expect(stderr).not.toContain('TypeError');
  });

  it('a NixOS leaf option of the wrong type has no prefix', async () => {
    const stderr = await evalFlakeFails('nixosConfigurations.wrongLeaf.config.networking.hostName');
    expect(stderr).toMatch(/A definition for option `networking\.hostName' is not of type `[^']+'\. Definition values:/);
    expect(stderr).not.toContain('TypeError');
  });
});

describe('lib/filesystem.nix and lib/path', () => {
  it('packagesFromDirectoryRecursive takes a path `directory`', async () => {
    expect(await evalExpr('treeFromPath')).toBe('bar-1');
  });

  it('packagesFromDirectoryRecursive rejects a string `directory` through lib.path.append', async () => {
    expect(await evalExprFails('treeFromString')).toContain(
      'error: lib.path.append: The first argument is of type string, but a path was expected',
    );
  });

  it('lib.path.append says which argument is wrong', async () => {
    expect(await evalExprFails('appendToString')).toContain('lib.path.append: The first argument is of type string, but a path was expected');
    const parent = await evalExprFails('appendParent');
    expect(parent).toContain('lib.path.append: Second argument is not a valid subpath string:');
    expect(parent).toContain('The given string "../x" contains a `..` component, which is not allowed in subpaths');
  });
});
