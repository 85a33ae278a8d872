# Stand-in for nixpkgs' nixos/modules/config/system-path.nix and the Nix daemon's
# settings: the packages installed system-wide, and `nix.settings`.
{ lib, ... }:
let
  inherit (lib) mkOption types;
in
{
  options = {
    environment.systemPackages = mkOption {
      type = types.listOf types.package;
      default = [ ];
      example = lib.literalExpression "[ pkgs.firefox pkgs.thunderbird ]";
      description = "The set of packages that appear in /run/current-system/sw.";
    };
    nix.settings = mkOption {
      type = types.submodule {
        freeformType = types.attrsOf types.anything;
        options = lib.genAttrs [
          "experimental-features"
          "substituters"
          "trusted-public-keys"
          "trusted-users"
        ] (name: mkOption {
          type = types.listOf types.str;
          default = [ ];
          description = "The `${name}` setting of nix.conf.";
        });
      };
      default = { };
      description = "Configuration for Nix (nix.conf).";
    };
  };
}
