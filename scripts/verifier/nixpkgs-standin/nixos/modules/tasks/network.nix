# Stand-in for nixpkgs' networking options (tasks/network-interfaces.nix and
# services/networking/networkmanager.nix): host name, DHCP and NetworkManager.
{ lib, ... }:
let
  inherit (lib) mkOption types;
in
{
  options.networking = {
    hostName = mkOption {
      type = types.str;
      default = "nixos";
      description = "The name of the machine.";
    };
    domain = mkOption {
      type = types.nullOr types.str;
      default = null;
      description = "The domain of the machine.";
    };
    useDHCP = mkOption {
      type = types.bool;
      default = true;
      description = "Whether to use DHCP to obtain an IP address and other configuration for all network interfaces that do not have any manually configured IPv4 addresses.";
    };
    interfaces = mkOption {
      type = types.attrsOf (
        types.submodule {
          options.useDHCP = mkOption {
            type = types.nullOr types.bool;
            default = null;
            description = "Whether this interface should be configured with DHCP.";
          };
        }
      );
      default = { };
      description = "The configuration for each network interface.";
    };
    networkmanager.enable = lib.mkEnableOption "NetworkManager";
    firewall.enable = mkOption {
      type = types.bool;
      default = true;
      description = "Whether to enable the firewall.";
    };
  };
}
