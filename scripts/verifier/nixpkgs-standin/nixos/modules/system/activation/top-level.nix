# Stand-in for nixpkgs' nixos/modules/system/activation/top-level.nix:
# `system.build.toplevel`, the derivation of the whole system. It depends on the
# kernel and on every module package, and evaluating it fails with NixOS's
# "Failed assertions" message when an assertion does not hold.
{
  config,
  options,
  lib,
  pkgs,
  ...
}:
let
  inherit (lib) mkOption types;

  failedAssertions = map (x: x.message) (lib.filter (x: !x.assertion) config.assertions);

  showWarnings = warnings: res: lib.foldr (w: x: lib.warn w x) res warnings;

  # As nixpkgs, the system links its kernel, its merged module tree (aggregateModules, so two
  # module packages with one file, or modules for another kernel, fail the build here as there)
  # and its packages. It is really built; what a NixOS system holds besides is left out.
  baseSystem =
    pkgs.runCommand "nixos-system-${config.networking.hostName}-${config.system.nixos.label}"
      {
        kernel = config.boot.kernelPackages.kernel;
        kernelModules = pkgs.aggregateModules config.system.modulesTree;
        kernelParams = config.boot.kernelParams;
        loadedModules = config.boot.kernelModules;
        systemPath = pkgs.buildEnv {
          name = "system-path";
          paths = config.environment.systemPackages;
        };
        extraDependencies = config.system.extraDependencies;
        nixosLabel = config.system.nixos.label;
        preferLocalBuild = true;
        passthru = {
          inherit config;
          inherit (config.boot.kernelPackages) kernel;
        };
      }
      ''
        mkdir -p $out
        ln -s $kernel/bzImage $out/kernel
        ln -s $kernelModules $out/kernel-modules
        ln -s $systemPath $out/sw
        echo -n "$kernelParams" > $out/kernel-params
        echo -n "$nixosLabel" > $out/nixos-version
        printf '%s\n' $loadedModules > $out/loaded-modules
        for dependency in $extraDependencies; do echo "$dependency"; done > $out/extra-dependencies
      '';

  toplevel =
    if failedAssertions != [ ] then
      throw "\nFailed assertions:\n${
        lib.concatStringsSep "\n" (map (x: "- ${x}") failedAssertions)
      }"
    else
      showWarnings config.warnings baseSystem;
in
{
  options.system = {
    build = mkOption {
      type = types.lazyAttrsOf types.raw;
      internal = true;
      default = { };
      description = "Attribute set of derivations used to set up the system.";
    };

    stateVersion = mkOption {
      type = types.str;
      default = config.system.nixos.release;
      description = "The NixOS release with which the system's stateful data is compatible.";
    };

    nixos.release = mkOption {
      type = types.str;
      readOnly = true;
      default = lib.trivial.release;
      description = "The NixOS release (here: the stand-in's).";
    };

    nixos.label = mkOption {
      type = types.str;
      default = lib.trivial.release;
      description = "NixOS version name, part of the system's store path.";
    };

    extraDependencies = mkOption {
      type = types.listOf types.package;
      default = [ ];
      description = "A list of paths that should be included in the system closure but generally not visible to users.";
    };
  };

  config = {
    system.build.toplevel = toplevel;

    warnings = lib.optional (options.system.stateVersion.highestPrio == 1500) "system.stateVersion is not set, defaulting to ${config.system.stateVersion}. Read why this matters on https://nixos.org/manual/nixos/stable/options.html#opt-system.stateVersion.";
  };
}
