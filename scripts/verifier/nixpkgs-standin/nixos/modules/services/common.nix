# Stand-ins for a few service and power options that generated NixOS
# configurations commonly set (services.openssh, services.xserver, power
# management); only their on/off switches exist here.
{ lib, ... }:
let
  inherit (lib) mkOption types;
in
{
  options = {
    services.openssh.enable = lib.mkEnableOption "the OpenSSH secure shell daemon";
    services.xserver.enable = lib.mkEnableOption "the X server";
    services.printing.enable = lib.mkEnableOption "printing support through the CUPS daemon";
    powerManagement.cpuFreqGovernor = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "ondemand";
      description = "Configure the governor used to regulate the frequency of the available CPUs.";
    };
  };
}
