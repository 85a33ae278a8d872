# Stand-in for nixpkgs' nixos/modules/misc/nixpkgs.nix: the `nixpkgs.*` options,
# and the `pkgs` module argument: the stand-in's package set for
# nixpkgs.hostPlatform (or the legacy nixpkgs.system), with nixpkgs.overlays and
# nixpkgs.config applied.
{
  config,
  options,
  lib,
  ...
}:
let
  inherit (lib) mkOption types;
  cfg = config.nixpkgs;
  opt = options.nixpkgs;

  overlayType = lib.mkOptionType {
    name = "nixpkgs-overlay";
    description = "nixpkgs overlay";
    check = lib.isFunction;
    merge = lib.mergeOneOption;
  };

  configType = lib.mkOptionType {
    name = "nixpkgs-config";
    description = "nixpkgs config";
    check = x: lib.isAttrs x || lib.isFunction x;
    merge =
      loc: defs:
      builtins.foldl' lib.recursiveUpdate { } (
        map (def: if lib.isFunction def.value then def.value { } else def.value) defs
      );
  };

  hostPlatform =
    if opt.hostPlatform.isDefined then
      cfg.hostPlatform
    else if opt.system.isDefined then
      lib.systems.elaborate cfg.system
    else
      throw ''
        Neither ${opt.hostPlatform} nor the legacy option ${opt.system} has been set.
        You can set ${opt.hostPlatform} in hardware-configuration.nix by re-running
        a recent version of nixos-generate-config.
        The option ${opt.system} is still fully supported for NixOS 22.05 interoperability,
        but will be deprecated in the future, so we recommend to set ${opt.hostPlatform}.
      '';

  defaultPkgs = import ../../.. {
    localSystem = hostPlatform;
    inherit (cfg) overlays config;
  };
in
{
  options.nixpkgs = {
    pkgs = mkOption {
      type = types.raw;
      description = "A package set to use instead of importing nixpkgs; nixpkgs.overlays are still applied.";
    };
    config = mkOption {
      type = configType;
      default = { };
      example = lib.literalExpression "{ allowUnfree = true; }";
      description = "The configuration of the Nix Packages collection.";
    };
    overlays = mkOption {
      type = types.listOf overlayType;
      default = [ ];
      description = "List of overlays to apply to Nixpkgs.";
    };
    hostPlatform = mkOption {
      type = types.either types.str types.attrs;
      example = "x86_64-linux";
      apply = lib.systems.elaborate;
      description = "Specifies the platform where the NixOS configuration will run.";
    };
    system = mkOption {
      type = types.str;
      example = "i686-linux";
      description = "Legacy way to set the platform; prefer nixpkgs.hostPlatform.";
    };
    flake.source = mkOption {
      type = types.nullOr (types.either types.str types.path);
      default = null;
      description = "The path of the nixpkgs sources used to build the system.";
    };
  };

  config._module.args.pkgs =
    if opt.pkgs.isDefined then cfg.pkgs.appendOverlays cfg.overlays else defaultPkgs;
}
