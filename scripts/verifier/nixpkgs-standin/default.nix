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
  requiredVersion = import ./lib/minver.nix;
in
# As nixpkgs' default.nix: an older Nix is refused before anything else is evaluated, in
# nixpkgs' words (its first line is what the verifier recognises).
if !builtins ? nixVersion || builtins.compareVersions requiredVersion builtins.nixVersion == 1 then
  abort "This version of Nixpkgs requires Nix >= ${requiredVersion}, please upgrade (the offline stand-in refuses it as nixpkgs does)."
else if crossSystem != null && crossSystem != hostSystem then
  throw "nixpkgs stand-in: cross-compilation (crossSystem) is not supported"
else
  import ./pkgs/top-level {
    inherit lib overlays;
    localSystem = hostSystem;
    config = if builtins.isFunction config then config { } else config;
  }
