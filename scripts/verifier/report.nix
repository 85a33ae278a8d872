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
    label = "Linux ${kernel.version}";
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
    # `{ host; loaded; }`: after the host booted in the boot level's machine, the module is loaded.
    else if builtins.isAttrs value && value ? loaded && value ? host then
      {
        type = "loaded";
        inherit (value) host loaded;
      }
    else
      {
        type = typeOf value;
        holds = value == true;
      };
  # What `nix flake check` checks, after Nix's own checker (src/nix/flake.cc, CmdFlakeCheck):
  # `checks`, `packages`, `devShells` and `formatter` of a system hold derivations
  # (checkDerivation), `apps` apps (checkApp: `type = "app"` and a `program`), `overlays`
  # overlays (checkOverlay), `nixosModules` modules, `nixosConfigurations` NixOS systems
  # (checkNixOSConfiguration: `config.system.build.toplevel` is a derivation) and `templates`
  # templates (checkTemplate: a `path` and a `description`); `legacyPackages` may hold
  # anything, and the overlays the NUR layout exposes there are checked as overlays too.
  outputsOf = name: if flake ? ${name} && hasAttr system flake.${name} then flake.${name}.${system} else { };
  isOverlay = value: builtins.isFunction value && builtins.isFunction (value null);
  each =
    prefix: set: test: expected:
    map (name: {
      output = "${prefix}${name}";
      ok = test set.${name};
      inherit expected;
    }) (builtins.attrNames set);
  perSystem =
    name: test: expected:
    each "${name}.${system}." (outputsOf name) test expected;
  overlaysAt =
    prefix: set:
    map (name: {
      output = "${prefix}${name}";
      ok = isOverlay set.${name};
      expected = "an overlay, a function `final: prev: { … }`";
    }) (builtins.attrNames set);
  schema =
    overlaysAt "overlays." (flake.overlays or { })
    ++ overlaysAt "legacyPackages.${system}.overlays." ((outputsOf "legacyPackages").overlays or { })
    ++ perSystem "checks" isDerivation "a derivation"
    ++ perSystem "packages" isDerivation "a derivation (a set of packages belongs in `legacyPackages`)"
    ++ perSystem "devShells" isDerivation "a derivation"
    ++ perSystem "apps" (
      app: builtins.isAttrs app && (app.type or null) == "app" && app ? program
    ) "an app, `{ type = \"app\"; program = \"…\"; }`"
    ++ (
      if flake ? formatter && hasAttr system flake.formatter then
        [
          {
            output = "formatter.${system}";
            ok = isDerivation flake.formatter.${system};
            expected = "a derivation";
          }
        ]
      else
        [ ]
    )
    ++ each "nixosConfigurations." nixos (
      host: builtins.isAttrs host && host ? config && isDerivation (host.config.system.build.toplevel or null)
    ) "a NixOS system, such as `nixpkgs.lib.nixosSystem` gives"
    ++ each "templates." (flake.templates or { }) (
      template: builtins.isAttrs template && template ? path && builtins.isString (template.description or null)
    ) "a template, `{ path = ./…; description = \"…\"; }`"
    ++ map (name: {
      output = "nixosModules.${name}";
      ok =
        let
          m = flake.nixosModules.${name};
        in
        builtins.isFunction m || builtins.isAttrs m || builtins.isPath m;
      expected = "a NixOS module";
    }) (builtins.attrNames (flake.nixosModules or { }));
in
{
  packages = mapAttrs (_: package) packages;
  flakeChecks = mapAttrs (_: package) (filterAttrs isDerivation (outputsOf "checks"));
  schema = builtins.filter (entry: !entry.ok) schema;
  nixosConfigurations = mapAttrs (_: host: {
    # Built at the build level too, as `nix build …toplevel` would: the system's merged module tree.
    system = package host.config.system.build.toplevel;
    modulePackages = map package host.config.boot.extraModulePackages;
    kernel = kernelOf host.config.boot.kernelPackages.kernel;
    # What the boot level's machine does at boot, as NixOS does.
    boot = {
      inherit (host.config.boot) kernelModules;
      modprobeConfig = host.config.boot.extraModprobeConfig or "";
    };
  }) nixos;
  checks = if checks == null then { } else mapAttrs (_: claim) (checks { inherit flake system; });
}
