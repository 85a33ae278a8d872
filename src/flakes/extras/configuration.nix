{ config, ... }:

let
  qc71-slimbook-laptop = config.boot.kernelPackages.callPackage ./qc71-slimbook-laptop.nix { };
in
{
  imports = [ ./hardware-configuration.nix ];

  boot.extraModulePackages = [ qc71-slimbook-laptop ];
  boot.kernelModules = [ "qc71_laptop" ];

  # slot: body

  networking.hostName = "hero";

  system.stateVersion = "26.05";
}
