# Claims the guide makes about the NUR repository's overlay, checked at the eval level.
{ flake, system }:

let
  pkgs = import flake.inputs.nixpkgs {
    inherit system;
    overlays = [ flake.overlays.linux-packages ];
  };
in
{
  "the overlay adds qc71-slimbook-laptop to linuxPackages" =
    pkgs.linuxPackages ? qc71-slimbook-laptop;
  "the overlay adds qc71-slimbook-laptop to linuxPackages_latest" =
    pkgs.linuxPackages_latest ? qc71-slimbook-laptop;
}
