# Evaluated by the verifier for each assembled flake (through a wrapper flake whose input
# `target` is the flake under test). Returns what was instantiated and the declared checks.
{
  flake,
  checks,
  system,
}:
let
  inherit (builtins) mapAttrs hasAttr;
  # A fixed-output source (fetchFromGitHub, fetchurl, ...) of a package, if it has one.
  sourceOf =
    drv: if drv ? src && drv.src ? drvPath && drv.src ? outputHash then [ drv.src.drvPath ] else [ ];
  package = drv: {
    name = drv.name;
    drvPath = drv.drvPath;
    sources = sourceOf drv;
  };
  packages = if flake ? packages && hasAttr system flake.packages then flake.packages.${system} else { };
  nixos = flake.nixosConfigurations or { };
in
{
  packages = mapAttrs (_: package) packages;
  nixosConfigurations = mapAttrs (_: host: {
    toplevel = host.config.system.build.toplevel.drvPath;
    modulePackages = map package host.config.boot.extraModulePackages;
  }) nixos;
  checks = if checks == null then { } else checks { inherit flake system; };
}
