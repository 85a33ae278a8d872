# Stand-in for nixpkgs' nixos/modules/misc/assertions.nix: conditions checked, and
# warnings printed, when the system is built (see system/activation/top-level.nix).
{ lib, ... }:
{
  options = {
    assertions = lib.mkOption {
      type = lib.types.listOf lib.types.unspecified;
      internal = true;
      default = [ ];
      example = [
        {
          assertion = false;
          message = "you can't enable this for that reason";
        }
      ];
      description = "Conditions that must hold; the message of each false one is shown when the system is built.";
    };

    warnings = lib.mkOption {
      internal = true;
      default = [ ];
      type = lib.types.listOf lib.types.str;
      example = [ "The `foo' service is deprecated and will go away soon!" ];
      description = "Warnings shown when the system is built.";
    };
  };
}
