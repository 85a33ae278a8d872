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
  isDerivation = value: builtins.isAttrs value && (value.type or null) == "derivation";
  packages =
    if flake ? packages && hasAttr system flake.packages then
      filterAttrs isDerivation flake.packages.${system}
    else
      { };
  filterAttrs =
    keep: set:
    builtins.listToAttrs (
      builtins.concatMap (
        name: if keep set.${name} then [ { inherit name; value = set.${name}; } ] else [ ]
      ) (builtins.attrNames set)
    );
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
