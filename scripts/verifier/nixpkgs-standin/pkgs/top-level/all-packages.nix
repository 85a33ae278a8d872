# Stand-in for nixpkgs' pkgs/top-level/all-packages.nix (with the parts of
# stage.nix that give pkgs `callPackage`, `newScope`, `extend` and `appendOverlays`).
# `final` is the package set after every overlay.
{
  lib,
  hostPlatform,
  config,
  overlays,
  nixpkgsFun,
}:
final:
let
  callPackage = final.callPackage;
  baseStdenv = import ../stdenv { inherit lib config hostPlatform; };
in
{
  inherit lib config;
  pkgs = final;
  path = ../..;
  system = hostPlatform.system;
  inherit (final.stdenv) hostPlatform buildPlatform targetPlatform;
  buildPackages = final;
  pkgsBuildBuild = final;
  pkgsBuildHost = final;
  pkgsHostTarget = final;

  newScope = extra: lib.callPackageWith (final // extra);
  callPackages = lib.callPackagesWith final;
  callPackage = final.newScope { };

  extend = f: final.appendOverlays [ f ];
  appendOverlays =
    extraOverlays:
    if extraOverlays == [ ] then final else nixpkgsFun { overlays = overlays ++ extraOverlays; };

  inherit (lib) recurseIntoAttrs dontRecurseIntoAttrs makeOverridable;

  stdenv = baseStdenv // {
    cc = final.gcc;
  };
  stdenvNoCC = final.stdenv;

  # The compiler and binutils: the host's, linked under nixpkgs' wrapper names (`cc`, `ld`,
  # ...), since the stand-in has no bootstrap toolchain.
  gcc =
    baseStdenv.mkDerivation {
      pname = "gcc-wrapper";
      version = "14.3.0";
      buildCommand = ''
        mkdir -p $out/bin
        ln -s /usr/bin/gcc $out/bin/cc
        ln -s /usr/bin/gcc $out/bin/gcc
        ln -s /usr/bin/cpp $out/bin/cpp
        ln -s /usr/bin/g++ $out/bin/g++
        ln -s /usr/bin/g++ $out/bin/c++
      '';
      meta.platforms = lib.platforms.all;
    }
    // {
      targetPrefix = "";
      isGNU = true;
      isClang = false;
      bintools = final.binutils;
    };
  binutils =
    baseStdenv.mkDerivation {
      pname = "binutils-wrapper";
      version = "2.44";
      buildCommand = ''
        mkdir -p $out/bin
        for tool in ld ar nm strip objcopy objdump readelf; do
          ln -s /usr/bin/$tool $out/bin/$tool
        done
      '';
      meta.platforms = lib.platforms.all;
    }
    // {
      targetPrefix = "";
    };

  inherit (import ../build-support/fetchers.nix { inherit lib hostPlatform; })
    fetchurl
    fetchzip
    fetchgit
    fetchFromGitHub
    ;

  inherit (import ../build-support/trivial-builders.nix { inherit lib; inherit (final) stdenv; })
    runCommandWith
    runCommand
    runCommandLocal
    runCommandNoCC
    writeTextFile
    writeText
    writeScript
    writeShellScript
    writeShellScriptBin
    symlinkJoin
    buildEnv
    ;

  inherit (import ../tools.nix { inherit lib; inherit (final) stdenv; })
    bc
    bison
    coreutils
    elfutils
    flex
    gnumake
    hello
    kmod
    libelf
    nix-update
    openssl
    pahole
    perl
    zstd
    ;

  deterministic-uname = callPackage ../linux/deterministic-uname.nix { };

  # As nixpkgs: the command that updates a package, for passthru.updateScript.
  nix-update-script =
    {
      attrPath ? null,
      extraArgs ? [ ],
    }:
    [ "${final.nix-update}/bin/nix-update" ]
    ++ extraArgs
    ++ lib.optional (attrPath != null) attrPath;

  # As nixpkgs' pkgs/os-specific/linux/kmod/aggregator.nix: a system's module trees (the
  # kernel's and every boot.extraModulePackages one) merged with buildEnv, whose defaults make
  # two different files at one path a collision; then one kernel version only, and depmod.
  aggregateModules =
    modules:
    final.buildEnv {
      name = "kernel-modules";
      paths = modules;
      postBuild = ''
        if [ ! -d "$out/lib/modules" ]; then
          echo "No modules found."
          exit 0
        fi
        kernelVersion=$(cd "$out/lib/modules" && ls -d *)
        # As nixpkgs prints it: the versions one per line, as `ls -d *` gives them.
        if [ "$(echo $kernelVersion | wc -w)" != 1 ]; then
          echo "inconsistent kernel versions: $kernelVersion"
          exit 1
        fi
        echo "kernel version is $kernelVersion"
        if [ -w "$out/lib/modules/$kernelVersion" ]; then
          ${final.kmod}/bin/depmod -b "$out" -a "$kernelVersion"
        fi
      '';
    };

  linuxKernel = lib.recurseIntoAttrs (callPackage ./linux-kernels.nix { });
  # As nixpkgs from 25.11 (PR 448069): extensions every kernel package set gets; an overlay
  # appends to it, `kernelPackagesExtensions = prev.kernelPackagesExtensions ++ [ ext ];`.
  kernelPackagesExtensions = [ ];

  linuxPackagesFor = final.linuxKernel.packagesFor;
  linuxPackages = final.linuxKernel.packageAliases.linux_default;
  linuxPackages_latest = final.linuxKernel.packageAliases.linux_latest;
  linuxPackages_6_1 = final.linuxKernel.packages.linux_6_1;
  linuxPackages_6_6 = final.linuxKernel.packages.linux_6_6;
  linuxPackages_6_12 = final.linuxKernel.packages.linux_6_12;
  linuxPackages_6_18 = final.linuxKernel.packages.linux_6_18;

  linux = final.linuxPackages.kernel;
  linux_latest = final.linuxPackages_latest.kernel;
  inherit (final.linuxKernel.kernels)
    linux_6_1
    linux_6_6
    linux_6_12
    linux_6_18
    ;
}
