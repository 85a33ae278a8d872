# Stand-in for nixpkgs' nixos/modules/installer/scan/not-detected.nix, which
# hardware-configuration.nix imports through `modulesPath`: enables the
# redistributable firmware that nixos-generate-config could not detect a need for.
{ lib, ... }:
{
  hardware.enableRedistributableFirmware = lib.mkDefault true;
}
