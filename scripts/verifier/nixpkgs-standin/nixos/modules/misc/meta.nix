# Stand-in for nixpkgs' nixos/modules/misc/meta.nix: the `meta` attribute a module
# may carry (maintainers, documentation).
{ lib, ... }:
{
  options.meta = {
    maintainers = lib.mkOption {
      type = lib.types.listOf lib.types.raw;
      internal = true;
      default = [ ];
      description = "Maintainers of the modules.";
    };
    doc = lib.mkOption {
      type = lib.types.raw;
      internal = true;
      default = null;
      description = "Documentation of a module.";
    };
    buildDocsInSandbox = lib.mkOption {
      type = lib.types.bool;
      internal = true;
      default = true;
      description = "Whether a module's documentation can be built in the sandbox.";
    };
  };
}
