# Stand-in for nixpkgs' nixos/lib/eval-config.nix, behind `lib.nixosSystem`:
# evaluates the stand-in's NixOS modules together with the user's.
{
  lib ? import ../../lib,
  system ? null,
  modules,
  specialArgs ? { },
  pkgs ? null,
  baseModules ? import ../modules/module-list.nix,
  extraModules ? [ ],
  prefix ? [ ],
  ...
}:
let
  # Legacy arguments, as nixpkgs handles them: `system` sets nixpkgs.system,
  # `pkgs` replaces the package set.
  argsModule = {
    _file = toString ./eval-config.nix;
    key = toString ./eval-config.nix;
    config = {
      _module.args = {
        inherit baseModules extraModules modules;
      };
    }
    // lib.optionalAttrs (system != null) { nixpkgs.system = lib.mkDefault system; }
    // lib.optionalAttrs (pkgs != null) { nixpkgs.pkgs = lib.mkForce pkgs; };
  };

  evaluated = lib.evalModules {
    inherit prefix;
    class = "nixos";
    modules = baseModules ++ extraModules ++ [ argsModule ] ++ modules;
    specialArgs = {
      modulesPath = toString ../modules;
    }
    // specialArgs;
  };
in
evaluated
// {
  inherit (evaluated._module.args) pkgs;
}
