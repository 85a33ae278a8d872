# Evaluated by the verifier for each assembled flake (through a wrapper flake whose input
# `target` is the flake under test). Returns what was instantiated, what the build level
# must fetch and build, and the declared claims, each with its type (only `true` holds).
{
  flake,
  checks,
  system,
}:
let
  inherit (builtins) mapAttrs hasAttr typeOf;
  # A fixed-output source (fetchFromGitHub, fetchurl, ...) of a package, if it has one.
  sourcesOf =
    drv:
    if drv ? src && drv.src ? drvPath && drv.src ? outputHash then
      [
        {
          inherit (drv.src) drvPath name outputHash;
          # Not `outPath`: toJSON would print a set with an `outPath` as that path alone.
          out = drv.src.outPath;
          outputHashAlgo = drv.src.outputHashAlgo or null;
          outputHashMode = drv.src.outputHashMode or "flat";
          github =
            if drv.src ? owner && drv.src ? repo && (drv.src.rev or null) != null then
              { inherit (drv.src) owner repo rev; }
            else
              null;
        }
      ]
    else
      [ ];
  package = drv: {
    inherit (drv) name drvPath;
    out = drv.outPath;
    sources = sourcesOf drv;
    position = drv.meta.position or null;
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
  kernelOf = kernel: {
    inherit (kernel) version modDirVersion;
    label = kernel.standinLabel or "Linux ${kernel.version}";
  };
  # A claim is `true` or `false`, or `{ host; kernelModule; }`: after the build, that host's
  # module tree holds `extra/<kernelModule>.ko`, built for its kernel.
  # A claim that throws (or fails an assert) is the claim's own failure, said at its line
  # in the checks file, not an error of the flake.
  claim =
    value:
    let
      tried = builtins.tryEval value;
    in
    if !tried.success then
      {
        type = "error";
        holds = false;
      }
    else if builtins.isAttrs value && value ? kernelModule && value ? host then
      {
        type = "module";
        inherit (value) host kernelModule;
      }
    else
      {
        type = typeOf value;
        holds = value == true;
      };
in
{
  packages = mapAttrs (_: package) packages;
  nixosConfigurations = mapAttrs (_: host: {
    toplevel = host.config.system.build.toplevel.drvPath;
    modulePackages = map package host.config.boot.extraModulePackages;
    kernel = kernelOf host.config.boot.kernelPackages.kernel;
  }) nixos;
  checks = if checks == null then { } else mapAttrs (_: claim) (checks { inherit flake system; });
}
