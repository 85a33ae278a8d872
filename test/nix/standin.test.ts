/**
 * The offline nixpkgs stand-in (scripts/verifier/nixpkgs-standin), checked with real Nix:
 * each test evaluates a small expression or flake against it and asserts the behaviour, and
 * the error wording, that the guide relies on nixpkgs for. Needs Nix: without it every test
 * fails, none is skipped.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STANDIN, standinNix } from './standin-tools.ts';

let work: string;
const { nix, nixFails, evalExpr, evalFlake, evalFlakeFails } = standinNix(() => work);

/** The guide's kind of package: the Slimbook fork of qc71_laptop, built against `kernel`. */
const MODULE_PACKAGE = `{
  lib,
  stdenv,
  fetchFromGitHub,
  kernel,
  kernelModuleMakeFlags,
}:
stdenv.mkDerivation (finalAttrs: {
  pname = "qc71-slimbook-laptop";
  version = "0-unstable-2024-12-18";
  src = fetchFromGitHub {
    owner = "Slimbook-Team";
    repo = "qc71_laptop";
    rev = "e130a03628dfc12105f4832ecf59f487f32bcdd7";
    hash = "sha256-xgGxkZyJ2UMgEweUfmSdvsnqwOyghafz2kxGeKCLqqg=";
  };
  nativeBuildInputs = kernel.moduleBuildDependencies;
  makeFlags = kernelModuleMakeFlags ++ [
    "KDIR=\${kernel.dev}/lib/modules/\${kernel.modDirVersion}/build"
  ];
  passthru.kernelVersion = kernel.version;
  meta = {
    description = "Linux driver for QC71 laptops, Slimbook fork";
    license = lib.licenses.gpl2Only;
    platforms = [ "x86_64-linux" ];
  };
})
`;

const FILES: Record<string, string> = {
  'module.nix': MODULE_PACKAGE,
  'flake/module.nix': MODULE_PACKAGE,
  'missing-arg.nix': `{ stdenv, kernel, hellp }: stdenv.mkDerivation { pname = "m"; version = "1"; }\n`,
  'tree/foo/package.nix': `{ stdenv, hello }: stdenv.mkDerivation { pname = "foo"; version = "1"; buildInputs = [ hello ]; }\n`,
  'tree/foo/ignored.nix': `throw "a directory with package.nix is that package only"\n`,
  'tree/bar.nix': `{ stdenv }: stdenv.mkDerivation { pname = "bar"; version = "1"; }\n`,
  'tree/README.md': `not a package\n`,
  'tree/group/baz.nix': `{ stdenv, bar }: stdenv.mkDerivation { pname = "baz"; version = bar.version; }\n`,
  'tree/group/qux/package.nix': `{ stdenv, baz }: stdenv.mkDerivation { pname = "qux"; version = baz.version; }\n`,
  'exprs.nix': `let
  pkgs = import ${STANDIN} {
    system = "x86_64-linux";
    overlays = [
      (final: prev: { greeting = "hello from \${final.who}"; })
      (final: prev: { who = "the last overlay"; })
    ];
    config = { };
  };
  inherit (pkgs) lib;

  # The guide's overlay: every kernel package set gains the module.
  withModule = import ${STANDIN} {
    system = "x86_64-linux";
    overlays = [
      (final: prev: {
        linuxKernel = prev.linuxKernel // {
          packagesFor =
            kernel:
            (prev.linuxKernel.packagesFor kernel).extend (
              kfinal: kprev: { qc71-slimbook-laptop = kfinal.callPackage ./module.nix { }; }
            );
        };
      })
    ];
  };
  moduleOf = set: set.qc71-slimbook-laptop.kernelVersion;

  tree = lib.packagesFromDirectoryRecursive {
    inherit (pkgs) callPackage newScope;
    directory = ./tree;
  };

  pkg = pkgs.stdenv.mkDerivation (finalAttrs: {
    pname = "demo";
    version = "1.2";
    src = pkgs.fetchFromGitHub {
      owner = "o";
      repo = finalAttrs.pname;
      rev = "v\${finalAttrs.version}";
      hash = lib.fakeHash;
    };
    passthru.extra = "kept";
    meta.description = "Demo";
    notForDerivation = x: x;
  });

  src = pkgs.fetchFromGitHub {
    owner = "Slimbook-Team";
    repo = "qc71_laptop";
    rev = "e130a03628dfc12105f4832ecf59f487f32bcdd7";
    hash = "sha256-xgGxkZyJ2UMgEweUfmSdvsnqwOyghafz2kxGeKCLqqg=";
  };

  evalTypes = lib.evalModules {
    modules = [
      {
        options = {
          name = lib.mkOption { type = lib.types.str; };
          list = lib.mkOption {
            type = lib.types.listOf lib.types.str;
            default = [ ];
          };
          maybe = lib.mkOption {
            type = lib.types.nullOr lib.types.int;
            default = null;
          };
          either = lib.mkOption { type = lib.types.either lib.types.int lib.types.str; };
          choice = lib.mkOption { type = lib.types.enum [ "a" "b" ]; };
          fn = lib.mkOption { type = lib.types.functionTo lib.types.lines; };
          subs = lib.mkOption {
            type = lib.types.attrsOf (
              lib.types.submodule (
                { name, ... }:
                {
                  options.label = lib.mkOption {
                    type = lib.types.str;
                    default = name;
                  };
                  options.size = lib.mkOption {
                    type = lib.types.int;
                    default = 1;
                  };
                }
              )
            );
            default = { };
          };
          enable = lib.mkEnableOption "the thing";
        };
      }
      { name = lib.mkDefault "default"; list = [ "first" ]; either = "s"; choice = "b"; fn = x: "one \${x}"; subs.a = { }; }
      { name = "plain"; list = lib.mkIf true [ "second" ]; fn = x: "two \${x}"; subs.a.size = 2; subs.b.label = "bee"; }
      { config = lib.mkMerge [ { enable = lib.mkForce false; } { enable = true; list = lib.mkIf false [ "never" ]; } ]; }
    ];
  };
in
{
  info = {
    version = lib.version;
    release = lib.trivial.release;
    majorMinor = lib.versions.majorMinor "6.12.55";
    atLeast = lib.versionAtLeast "6.12.55" "6.12";
    older = lib.versionOlder "6.6.1" "6.12";
    gpl2Only = lib.licenses.gpl2Only;
    mit = lib.licenses.mit.spdxId;
    linux = builtins.elem "x86_64-linux" lib.platforms.linux;
    x86_64 = builtins.elem "x86_64-linux" lib.platforms.x86_64 && !builtins.elem "aarch64-linux" lib.platforms.x86_64;
    flakeExposed = lib.systems.flakeExposed;
    genAttrs = lib.genAttrs [ "a" "b" ] (n: n + n);
    optionals = lib.optionals true [ 1 ] ++ lib.optionals false [ 2 ] ++ lib.optional true 3;
    optionalAttrs = lib.optionalAttrs false { a = 1; };
    extensible = ((lib.makeExtensible (self: { a = 1; b = self.a + 1; })).extend (final: prev: { a = 10; })).b;
    fakeHash = lib.fakeHash;
  };

  overlays = {
    inherit (pkgs) greeting;
    extended = (pkgs.extend (final: prev: { who = "extend"; })).greeting;
    appended = (pkgs.appendOverlays [ (final: prev: { who = "appendOverlays"; }) ]).greeting;
    system = pkgs.system;
    hostSystem = pkgs.stdenv.hostPlatform.system;
  };

  kernelSets = {
    linuxPackages = moduleOf withModule.linuxPackages;
    linuxPackages_6_12 = moduleOf withModule.linuxPackages_6_12;
    linuxPackages_latest = moduleOf withModule.linuxPackages_latest;
    linuxPackagesFor = moduleOf (withModule.linuxPackagesFor withModule.linux_6_6);
    byName = moduleOf withModule.linuxKernel.packages.linux_6_6;
    untouched = pkgs.linuxPackages ? qc71-slimbook-laptop;
  };

  kernel = let inherit (pkgs.linuxPackages) kernel; in {
    inherit (kernel) version modDirVersion makeFlags;
    dev = "\${kernel.dev}";
    atLeast = kernel.kernelAtLeast "6.1";
    older = kernel.kernelOlder "6.1";
    deps = map (d: d.pname) kernel.moduleBuildDependencies;
    platforms = builtins.elem "aarch64-linux" kernel.meta.platforms;
    makeFlagsOfSet = pkgs.linuxPackages.kernelModuleMakeFlags;
    set612 = pkgs.linuxPackages_6_12.kernel.version;
    set66 = pkgs.linuxPackages_6_6.kernel.version;
    viaScope = (pkgs.linuxPackages.callPackage ./module.nix { }).kernelVersion;
    overridden = ((pkgs.linuxPackages.callPackage ./module.nix { }).override { kernel = pkgs.linux_6_6; }).kernelVersion;
    nixpkgsPackage = pkgs.linuxPackages.qc71_laptop.drvPath;
    nixpkgsPackageSrc = pkgs.linuxPackages.qc71_laptop.src.owner;
  };

  missingArg = (pkgs.linuxPackages.callPackage ./missing-arg.nix { }).drvPath;

  tree = {
    top = builtins.attrNames (removeAttrs tree [ "callPackage" "newScope" "overrideScope" "packages" "recurseForDerivations" ]);
    foo = tree.foo.name;
    bar = tree.bar.name;
    group = builtins.attrNames (removeAttrs tree.group [ "callPackage" "newScope" "overrideScope" "packages" "recurseForDerivations" ]);
    qux = tree.group.qux.name;
    viaFilesystem = (lib.filesystem.packagesFromDirectoryRecursive { inherit (pkgs) callPackage; directory = ./tree; }).bar.name;
  };
  treeUnknownArg = lib.packagesFromDirectoryRecursive {
    inherit (pkgs) callPackage;
    directory = ./tree;
    recurseIntoDirectory = true;
  };

  mkDerivation = {
    inherit (pkg) name pname version extra;
    description = pkg.meta.description;
    hasFunction = pkg ? notForDerivation;
    srcRepo = pkg.src.repo;
    srcRev = pkg.src.rev;
    overridden = (pkg.overrideAttrs (old: { version = "2.0"; })).src.rev;
    overriddenFinal = (pkg.overrideAttrs (final: prev: { pname = prev.pname + "-x"; })).name;
    drvPath = pkg.drvPath;
  };
  unsupported = (import ${STANDIN} { system = "aarch64-linux"; }).linuxPackages.qc71_laptop.drvPath;

  fetch = {
    inherit (src) name outputHash outputHashMode drvPath;
    out = src.outPath;
    # A hash no store holds, so realising it must run the stand-in's fetcher.
    neverFetched =
      (pkgs.fetchFromGitHub {
        owner = "Slimbook-Team";
        repo = "qc71_laptop";
        rev = "0000000000000000000000000000000000000000";
        hash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
      }).drvPath;
  };

  modules = {
    inherit (evalTypes.config) name list maybe either choice subs enable;
    fn = evalTypes.config.fn "x";
    descriptions = map (n: evalTypes.options.\${n}.type.description) [ "name" "list" "maybe" "either" "choice" "fn" "subs" ];
  };

  trivialBuilders = {
    text = (pkgs.writeText "t" "hi").drvPath;
    command = (pkgs.runCommand "c" { } "touch $out").drvPath;
    joined = (pkgs.symlinkJoin { name = "j"; paths = [ pkgs.hello ]; }).drvPath;
    updateScript = builtins.isList (pkgs.nix-update-script { });
  };
}
`,
  'flake/flake.nix': `{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  outputs =
    { self, nixpkgs }:
    let
      system =
        modules:
        nixpkgs.lib.nixosSystem {
          inherit modules;
          specialArgs.inputs = {
            marker = "from specialArgs";
          };
        };
    in
    {
      nixosConfigurations = {
        hero = system [ ./hardware.nix ./configuration.nix ];
        typo = system [ ./hardware.nix ./configuration.nix ./typo.nix ];
        wrongType = system [ ./hardware.nix ./configuration.nix ./wrong-type.nix ];
        noRoot = system [ ./configuration.nix ];
        noBootLoader = system [ ./hardware.nix { boot.loader.systemd-boot.enable = nixpkgs.lib.mkForce false; } ./configuration.nix ];
        overlay = system [ ./hardware.nix ./overlay.nix ];
      };
      viaImport =
        (import nixpkgs {
          system = "x86_64-linux";
          overlays = [ (final: prev: { marker = "imported"; }) ];
          config = { };
        }).marker;
      legacy = nixpkgs.legacyPackages.aarch64-linux.stdenv.hostPlatform.system;
    };
}
`,
  'flake/hardware.nix': `{ config, lib, modulesPath, ... }:
{
  imports = [ (modulesPath + "/installer/scan/not-detected.nix") ];
  boot.initrd.availableKernelModules = [ "nvme" ];
  boot.loader.systemd-boot.enable = true;
  boot.loader.efi.canTouchEfiVariables = true;
  fileSystems."/" = {
    device = "/dev/disk/by-label/nixos";
    fsType = "ext4";
  };
  nixpkgs.hostPlatform = lib.mkDefault "x86_64-linux";
  hardware.cpu.intel.updateMicrocode = lib.mkDefault config.hardware.enableRedistributableFirmware;
}
`,
  'flake/configuration.nix': `{ config, pkgs, lib, inputs, ... }:
let
  module = config.boot.kernelPackages.callPackage ./module.nix { };
in
{
  boot.kernelPackages = pkgs.linuxPackages_6_6;
  boot.extraModulePackages = [ module ];
  boot.kernelModules = [ "qc71_laptop" ];
  networking.hostName = lib.mkDefault "hero";
  networking.networkmanager.enable = true;
  users.users.alice = {
    isNormalUser = true;
    extraGroups = [ "wheel" ];
    anythingElse = inputs.marker;
  };
  environment.systemPackages = [ pkgs.hello ];
  time.timeZone = "Europe/Madrid";
  system.stateVersion = "25.05";
}
`,
  'flake/typo.nix': `{ config, ... }:
{
  boot.extraModulePackage = [ config.boot.kernelPackages.qc71_laptop ];
}
`,
  'flake/wrong-type.nix': `{ ... }:
{
  boot.kernelModules = "qc71_laptop";
}
`,
  'flake/overlay.nix': `{ config, ... }:
{
  nixpkgs.overlays = [
    (final: prev: {
      linuxKernel = prev.linuxKernel // {
        packagesFor =
          kernel:
          (prev.linuxKernel.packagesFor kernel).extend (
            kfinal: kprev: { qc71-slimbook-laptop = kfinal.callPackage ./module.nix { }; }
          );
      };
    })
  ];
  boot.extraModulePackages = [ config.boot.kernelPackages.qc71-slimbook-laptop ];
  boot.kernelModules = [ "qc71_laptop" ];
}
`,
};

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'standin-test-'));
  for (const [path, text] of Object.entries(FILES)) {
    await mkdir(dirname(join(work, path)), { recursive: true });
    await writeFile(join(work, path), text);
  }
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

it('runs with the Nix on this machine', async () => {
  expect(await nix('nix', ['--version'])).toMatch(/nix \(Nix\) \d+\.\d+/);
});

describe('the flake', () => {
  it('says it is the stand-in, in lib.version and as a flake output', async () => {
    const info = (await evalExpr('info')) as Record<string, unknown>;
    expect(info.version).toBe('26.05-standin');
    expect(info.release).toBe('26.05-standin');
    expect(JSON.parse(await nix('nix', ['eval', '--json', `path:${STANDIN}#standinVersion`]))).toBe('1');
  });

  it('works as `import nixpkgs { system; overlays; config; }` and as legacyPackages', async () => {
    expect(await evalFlake('viaImport')).toBe('imported');
    expect(await evalFlake('legacy')).toBe('aarch64-linux');
  });
});

describe('lib', () => {
  it('has the helpers, licenses, platforms and systems the guide uses', async () => {
    const info = (await evalExpr('info')) as Record<string, unknown>;
    expect(info).toMatchObject({
      majorMinor: '6.12',
      atLeast: true,
      older: true,
      mit: 'MIT',
      linux: true,
      x86_64: true,
      genAttrs: { a: 'aa', b: 'bb' },
      optionals: [1, 3],
      optionalAttrs: {},
      extensible: 11,
      fakeHash: 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    });
    expect(info.gpl2Only).toMatchObject({ spdxId: 'GPL-2.0-only', shortName: 'gpl2Only', fullName: 'GNU General Public License v2.0 only', free: true });
    expect(info.flakeExposed).toEqual(expect.arrayContaining(['x86_64-linux', 'aarch64-linux']));
  });

  it('merges module definitions with priorities, conditions and types as NixOS does', async () => {
    expect(await evalExpr('modules')).toEqual({
      name: 'plain',
      list: ['second', 'first'],
      maybe: null,
      either: 's',
      choice: 'b',
      // Like nixpkgs, later modules' definitions come first.
      fn: 'two x\none x',
      subs: { a: { label: 'a', size: 2 }, b: { label: 'bee', size: 1 } },
      enable: false,
      descriptions: [
        'string',
        'list of string',
        'null or signed integer',
        'signed integer or string',
        'one of "a", "b"',
        'function that evaluates to a(n) strings concatenated with "\\n"',
        'attribute set of (submodule)',
      ],
    });
  });
});

describe('callPackage', () => {
  it('aborts on a missing argument with nixpkgs\' message, naming the file and suggesting names', async () => {
    const stderr = await nixFails(['eval', '--impure', '--json', '--file', join(work, 'exprs.nix'), 'missingArg']);
    expect(stderr).toContain(
      `evaluation aborted with the following error message: 'lib.customisation.callPackageWith: Function called without required argument "hellp" at ${join(work, 'missing-arg.nix')}:1, did you mean "hello"?'`,
    );
  });

  it('fills kernel and kernelModuleMakeFlags from a kernel package set', async () => {
    const kernel = (await evalExpr('kernel')) as Record<string, unknown>;
    expect(kernel.viaScope).toBe(kernel.version);
    expect(kernel.overridden).toMatch(/^6\.6\.\d+$/);
  });
});

describe('pkgs', () => {
  it('applies overlays as a fixed point: earlier overlays see what later ones define', async () => {
    expect(await evalExpr('overlays')).toEqual({
      greeting: 'hello from the last overlay',
      extended: 'hello from extend',
      appended: 'hello from appendOverlays',
      system: 'x86_64-linux',
      hostSystem: 'x86_64-linux',
    });
  });

  it('builds linuxPackages, linuxPackages_6_12, linuxPackagesFor, … through the final packagesFor', async () => {
    expect(await evalExpr('kernelSets')).toEqual({
      linuxPackages: '6.12.55',
      linuxPackages_6_12: '6.12.55',
      linuxPackages_latest: '6.18.1',
      linuxPackagesFor: '6.6.114',
      byName: '6.6.114',
      untouched: false,
    });
  });

  it('gives kernels the attributes module packages read', async () => {
    const kernel = (await evalExpr('kernel')) as Record<string, unknown> & { dev: string; makeFlags: string[]; makeFlagsOfSet: string[] };
    expect(kernel.modDirVersion).toBe(kernel.version);
    expect(kernel.version).toMatch(/^6\.12\.\d+$/);
    expect(kernel.set612).toBe(kernel.version);
    expect(kernel.set66).toMatch(/^6\.6\.\d+$/);
    expect(kernel.dev).toMatch(/^\/nix\/store\/[a-z0-9]{32}-linux-6\.12\.\d+-dev$/);
    expect(kernel.makeFlags).toContain('O=$(buildRoot)');
    expect(kernel.makeFlagsOfSet).toContain(`KBUILD_OUTPUT=${kernel.dev}/lib/modules/${kernel.modDirVersion}/build`);
    expect(kernel.makeFlagsOfSet.some((f) => f.startsWith('O='))).toBe(false);
    expect(kernel.makeFlagsOfSet).toEqual(expect.arrayContaining([expect.stringMatching(/^CC=/), expect.stringMatching(/^ARCH=x86_64$/)]));
    expect(kernel).toMatchObject({ atLeast: true, older: false, platforms: true, nixpkgsPackageSrc: 'Slimbook-Team' });
    expect(kernel.deps).toEqual(expect.arrayContaining(['pahole', 'perl', 'elfutils', 'zstd']));
    expect(kernel.nixpkgsPackage).toMatch(/-qc71_laptop-.*\.drv$/);
  });

  it('maps a directory with packagesFromDirectoryRecursive, and rejects other arguments', async () => {
    expect(await evalExpr('tree')).toEqual({
      top: ['bar', 'foo', 'group'],
      foo: 'foo-1',
      bar: 'bar-1',
      group: ['baz', 'qux'],
      qux: 'qux-1',
      viaFilesystem: 'bar-1',
    });
    const stderr = await nixFails(['eval', '--impure', '--json', '--file', join(work, 'exprs.nix'), 'treeUnknownArg']);
    expect(stderr).toMatch(/called with unexpected argument '?recurseIntoDirectory'?/);
  });

  it('gives stdenv.mkDerivation finalAttrs, overrideAttrs, passthru and meta', async () => {
    const drv = (await evalExpr('mkDerivation')) as Record<string, unknown>;
    expect(drv).toMatchObject({
      name: 'demo-1.2',
      pname: 'demo',
      version: '1.2',
      extra: 'kept',
      description: 'Demo',
      hasFunction: true,
      srcRepo: 'demo',
      srcRev: 'v1.2',
      overridden: 'v2.0',
      overriddenFinal: 'demo-x-1.2',
    });
    expect(drv.drvPath).toMatch(/^\/nix\/store\/[a-z0-9]{32}-demo-1\.2\.drv$/);
  });

  it('refuses a package whose meta.platforms excludes the system, as nixpkgs does', async () => {
    const stderr = await nixFails(['eval', '--impure', '--json', '--file', join(work, 'exprs.nix'), 'unsupported']);
    expect(stderr).toMatch(/Refusing to evaluate package 'qc71_laptop-[^']+' in \S+qc71_laptop\.nix:\d+ because it is not available on the requested hostPlatform:/);
    expect(stderr).toContain('hostPlatform.system = "aarch64-linux"');
  });

  it('makes fetchFromGitHub a fixed-output derivation that instantiates and never downloads', async () => {
    const fetch = (await evalExpr('fetch')) as Record<string, string>;
    expect(fetch).toMatchObject({
      name: 'source',
      outputHash: 'sha256-xgGxkZyJ2UMgEweUfmSdvsnqwOyghafz2kxGeKCLqqg=',
      outputHashMode: 'recursive',
    });
    expect(fetch.drvPath).toMatch(/-source\.drv$/);
    // The output path of a fixed-output derivation depends only on its name and hash.
    expect(fetch.out).toMatch(/^\/nix\/store\/[a-z0-9]{32}-source$/);
    // The instantiated .drv (ATerm) declares a recursive sha256 output.
    expect(await readFile(fetch.drvPath!, 'utf8')).toContain('"r:sha256"');
    await expect(nix('nix-store', ['--realise', fetch.neverFetched!])).rejects.toMatchObject({
      stderr: expect.stringContaining('nixpkgs stand-in: cannot fetch https://github.com/Slimbook-Team/qc71_laptop'),
    });
  });

  it('instantiates writeText, runCommand and symlinkJoin', async () => {
    const built = (await evalExpr('trivialBuilders')) as Record<string, unknown>;
    expect(built.text).toMatch(/-t\.drv$/);
    expect(built.command).toMatch(/-c\.drv$/);
    expect(built.joined).toMatch(/-j\.drv$/);
    expect(built.updateScript).toBe(true);
  });
});

describe('lib.nixosSystem', () => {
  it('always loads "loop" and "atkbd", besides the modules the configuration names', async () => {
    const modules = (await evalFlake('nixosConfigurations.hero.config.boot.kernelModules')) as string[];
    expect(modules).toEqual(expect.arrayContaining(['qc71_laptop', 'loop', 'atkbd']));
  });

  it('names the option and the module file when an option does not exist', async () => {
    const stderr = await evalFlakeFails('nixosConfigurations.typo.config.boot.kernelModules');
    expect(stderr).toContain("error: The option `boot.extraModulePackage' does not exist. Definition values:");
    expect(stderr).toMatch(/- In `\/nix\/store\/[a-z0-9]{32}-source\/typo\.nix':/);
    expect(stderr).toContain("Did you mean `boot.extraModulePackages'");
  });

  it('names the option, its type and the module file when a definition has the wrong type', async () => {
    const stderr = await evalFlakeFails('nixosConfigurations.wrongType.config.boot.kernelModules');
    expect(stderr).toContain(
      "A definition for option `boot.kernelModules' is not of type `(attribute set of boolean) or (list of string) convertible to it'. TypeError: Definition values:",
    );
    expect(stderr).toMatch(/- In `\/nix\/store\/[a-z0-9]{32}-source\/wrong-type\.nix': "qc71_laptop"/);
  });

  it('passes pkgs, modulesPath and specialArgs to modules, and merges with priorities', async () => {
    const config = await evalFlake('nixosConfigurations.hero.config', 'c: { inherit (c) networking hardware users fileSystems; boot.loader = c.boot.loader; }');
    expect(config).toMatchObject({
      networking: { hostName: 'hero', networkmanager: { enable: true } },
      hardware: { enableRedistributableFirmware: true, cpu: { intel: { updateMicrocode: true } } },
      users: { users: { alice: { isNormalUser: true, extraGroups: ['wheel'], anythingElse: 'from specialArgs' } } },
      boot: { loader: { grub: { enable: false }, 'systemd-boot': { enable: true } } },
      fileSystems: { '/': { device: '/dev/disk/by-label/nixos', fsType: 'ext4', options: ['defaults'] } },
    });
  });

  it('gives config.boot.kernelPackages as the kernel package set, with callPackage', async () => {
    const boot = (await evalFlake(
      'nixosConfigurations.hero.config.boot',
      'b: { version = b.kernelPackages.kernel.version; flags = b.kernelPackages.kernelModuleMakeFlags; modules = map (p: p.kernelVersion) b.extraModulePackages; }',
    )) as { version: string; flags: string[]; modules: string[] };
    expect(boot.version).toMatch(/^6\.6\.\d+$/);
    expect(boot.modules).toEqual([boot.version]);
    expect(boot.flags).toContainEqual(expect.stringMatching(/^KBUILD_OUTPUT=\/nix\/store\/\S+-linux-6\.6\.\d+-dev\/lib\/modules\/6\.6\.\d+\/build$/));
  });

  it('reaches boot.kernelPackages with an overlay on linuxKernel.packagesFor in nixpkgs.overlays', async () => {
    const modules = (await evalFlake('nixosConfigurations.overlay.config.boot.extraModulePackages')) as string[];
    expect(modules).toEqual([expect.stringMatching(/-qc71-slimbook-laptop-0-unstable-2024-12-18$/)]);
  });

  it('instantiates system.build.toplevel, which depends on the kernel and every module package', async () => {
    const drvPath = (await evalFlake('nixosConfigurations.hero.config.system.build.toplevel.drvPath')) as string;
    expect(drvPath).toMatch(/-nixos-system-hero-.*\.drv$/);
    const closure = await nix('nix-store', ['--query', '--requisites', drvPath]);
    expect(closure).toMatch(/-qc71-slimbook-laptop-0-unstable-2024-12-18\.drv$/m);
    expect(closure).toMatch(/-linux-6\.6\.\d+\.drv$/m);
  });

  it('fails with NixOS\'s assertion when no root file system is declared', async () => {
    const stderr = await evalFlakeFails('nixosConfigurations.noRoot.config.system.build.toplevel.drvPath');
    expect(stderr).toContain('Failed assertions:');
    expect(stderr).toContain('- The ‘fileSystems’ option does not specify your root file system.');
  });

  it('fails with GRUB\'s assertion when no boot loader is configured', async () => {
    const stderr = await evalFlakeFails('nixosConfigurations.noBootLoader.config.system.build.toplevel.drvPath');
    expect(stderr).toContain("- You must set the option ‘boot.loader.grub.devices’ or 'boot.loader.grub.mirroredBoots' to make the system bootable.");
    expect(stderr).not.toContain('root file system');
  });
});
