{ config, ... }:

{
  imports = [ ./hardware-configuration.nix ];

  # slot: body

  networking.hostName = "hero";

  system.stateVersion = "26.05";
}
