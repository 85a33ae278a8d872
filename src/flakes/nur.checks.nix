# Claims the guide makes about the NUR repository's overlays, checked at the eval level: the
# overlay the flake exports, and the `kernelPackagesExtensions` form shown beside it.
{ flake, system }:

let
  overlays = {
    packagesFor = flake.overlays.linux-packages;
    kernelPackagesExtensions = import (flake.outPath + "/overlays/linux-packages-extensions.nix");
  };
  pkgsWith =
    overlay:
    import flake.inputs.nixpkgs {
      inherit system;
      overlays = [ overlay ];
    };
  # A NixOS system with the overlay, as a system flake applies it. Only the kernel package set
  # is evaluated: NixOS calls `.extend` on it, which drops what an overlay added with `//`.
  kernelPackagesOf =
    overlay:
    (flake.inputs.nixpkgs.lib.nixosSystem {
      modules = [
        {
          nixpkgs.hostPlatform = system;
          nixpkgs.overlays = [ overlay ];
        }
      ];
    }).config.boot.kernelPackages;
  claimsFor = name: overlay: {
    "the ${name} overlay adds qc71-slimbook-laptop to linuxPackages" =
      (pkgsWith overlay).linuxPackages ? qc71-slimbook-laptop;
    "the ${name} overlay adds qc71-slimbook-laptop to linuxPackages_latest" =
      (pkgsWith overlay).linuxPackages_latest ? qc71-slimbook-laptop;
    "the ${name} overlay reaches boot.kernelPackages" =
      kernelPackagesOf overlay ? qc71-slimbook-laptop;
  };
in
claimsFor "packagesFor" overlays.packagesFor
// claimsFor "kernelPackagesExtensions" overlays.kernelPackagesExtensions
