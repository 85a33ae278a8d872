# Stand-in for nixpkgs' nixos/modules/config/users-groups.nix: users and groups.
# The submodules declare the common options and accept any other attribute
# (a loose freeform type), so only the user-facing basics are checked.
{ lib, ... }:
let
  inherit (lib) mkOption types;

  userOpts =
    { name, ... }:
    {
      freeformType = types.attrsOf types.anything;
      options = {
        name = mkOption {
          type = types.str;
          default = name;
          description = "The name of the user account.";
        };
        isNormalUser = mkOption {
          type = types.bool;
          default = false;
          description = "Whether this is a real (human) user account.";
        };
        isSystemUser = mkOption {
          type = types.bool;
          default = false;
          description = "Whether this is a system user account.";
        };
        description = mkOption {
          type = types.str;
          default = "";
          description = "A short description of the user account.";
        };
        extraGroups = mkOption {
          type = types.listOf types.str;
          default = [ ];
          description = "The user's auxiliary groups.";
        };
        packages = mkOption {
          type = types.listOf types.package;
          default = [ ];
          description = "The set of packages that should be made available to the user.";
        };
        openssh.authorizedKeys.keys = mkOption {
          type = types.listOf types.str;
          default = [ ];
          description = "A list of verbatim OpenSSH public keys.";
        };
      };
    };
in
{
  options.users = {
    users = mkOption {
      type = types.attrsOf (types.submodule userOpts);
      default = { };
      description = "Additional user accounts to be created automatically by the system.";
    };
    groups = mkOption {
      type = types.attrsOf (types.submodule { freeformType = types.attrsOf types.anything; });
      default = { };
      description = "Additional groups to be created automatically by the system.";
    };
    mutableUsers = mkOption {
      type = types.bool;
      default = true;
      description = "Whether users and groups can be changed outside the NixOS configuration.";
    };
  };
}
