# Stand-in for nixpkgs' pkgs/top-level/default.nix and stage.nix: the package set
# as the fixed point of the base packages extended by the overlays, in order
# (each overlay is `final: prev: { ... }`).
{
  lib,
  localSystem,
  overlays,
  config,
}@args:
let
  hostPlatform = lib.systems.elaborate localSystem;

  configDefaults = {
    allowUnfree = false;
    allowBroken = false;
    allowUnsupportedSystem = false;
    allowAliases = true;
  };

  nixpkgsFun = newArgs: import ./. (args // newArgs);

  basePackages = import ./all-packages.nix {
    inherit lib hostPlatform overlays nixpkgsFun;
    config = configDefaults // config;
  };
in
if !builtins.isList overlays then
  throw "The provided overlays are not a list"
else
  lib.fix (builtins.foldl' (lib.flip lib.extends) basePackages overlays)
