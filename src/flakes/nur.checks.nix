# Claims the guide makes about the NUR repository's overlays, checked at the eval level: the
# overlay the flake exports, the `kernelPackagesExtensions` form shown beside it, and the
# kernels its `checks` build the module for.
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
  # The kernel matrix `nix flake check` builds: the module for the default and the newest kernel.
  sorted = builtins.sort builtins.lessThan;
  checked = sorted (map (check: check.drvPath) (builtins.attrValues flake.checks.${system}));
  matrix =
    let
      pkgs = pkgsWith overlays.packagesFor;
    in
    sorted [
      pkgs.linuxPackages.qc71-slimbook-laptop.drvPath
      pkgs.linuxPackages_latest.qc71-slimbook-laptop.drvPath
    ];
in
claimsFor "packagesFor" overlays.packagesFor
// claimsFor "kernelPackagesExtensions" overlays.kernelPackagesExtensions
// {
  "the flake's checks build the module for linuxPackages and linuxPackages_latest" = checked == matrix;
}
