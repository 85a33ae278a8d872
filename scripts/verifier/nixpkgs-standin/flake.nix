# Offline stand-in for nixpkgs, for the guide's snippet verifier.
#
# What it is: a small flake that reproduces, for the interfaces the guide uses,
# nixpkgs' names, argument conventions and failure messages (lib, callPackage,
# overlays, stdenv.mkDerivation, fetchers, the Linux kernel package sets,
# lib.nixosSystem and a small NixOS module system). The verifier passes it as
# `--override-input nixpkgs path:<this directory>` when real nixpkgs cannot be
# fetched. Results obtained with it are not nixpkgs results.
#
# What it is not: it is not nixpkgs. Its stdenv builds with the host's toolchain,
# and its kernels are Debian's kernel trees; fetchers never download, and a NixOS
# system is never built. Only the interfaces named in the header comment of each
# file exist; anything else is missing, and a missing attribute or option here says
# nothing about real nixpkgs. README.md lists, interface by interface, how closely
# it follows nixpkgs and what that could hide.
{
  description = "Offline stand-in for the parts of nixpkgs the guide uses (not nixpkgs)";

  outputs =
    { self }:
    let
      baseLib = import ./lib;

      lib = baseLib.extend (
        final: prev: {
          nixosSystem =
            args:
            import ./nixos/lib/eval-config.nix (
              {
                lib = final;
                system = null;
                modules = args.modules ++ [
                  { nixpkgs.flake.source = self.outPath; }
                ];
              }
              // removeAttrs args [ "modules" ]
            );
        }
      );

      systems = [
        "x86_64-linux"
        "aarch64-linux"
      ];
    in
    {
      inherit lib;
      # Which revision of the stand-in this is; a flake output, since nixpkgs' lib has no such name.
      standinVersion = "1";

      legacyPackages = lib.genAttrs systems (system: import ./. { inherit system; });

      nixosModules = {
        notDetected = ./nixos/modules/installer/scan/not-detected.nix;
      };
    };
}
