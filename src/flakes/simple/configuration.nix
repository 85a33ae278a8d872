{ config, pkgs, ... }:

let
  # slot: let
in
{
  imports = [ ./hardware-configuration.nix ];

  # slot: body

  networking.hostName = "hero";

  system.stateVersion = "26.05";
}
