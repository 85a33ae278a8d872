# Entry point of the offline nixpkgs stand-in for `import nixpkgs { ... }`, with
# nixpkgs' arguments. It is not nixpkgs: see flake.nix.
{
  system ? builtins.currentSystem,
  localSystem ? null,
  crossSystem ? null,
  overlays ? [ ],
  config ? { },
  ...
}:
let
  lib = import ./lib;
  hostSystem = if localSystem != null then localSystem else system;
in
if crossSystem != null && crossSystem != hostSystem then
  throw "nixpkgs stand-in: cross-compilation (crossSystem) is not supported"
else
  import ./pkgs/top-level {
    inherit lib overlays;
    localSystem = hostSystem;
    config = if builtins.isFunction config then config { } else config;
  }
