# Stand-in for nixpkgs' stdenv (pkgs/stdenv/generic): `stdenv.mkDerivation` with
# nixpkgs' calling conventions (an attribute set or `finalAttrs: { ... }`,
# `overrideAttrs`, `passthru`, `meta`) and its meta checks. Its derivations really
# build, with the generic builder's phases (setup.sh) and the host's compiler and
# tools: the stand-in has no bootstrap toolchain, so they are impure (`__noChroot`)
# and need `sandbox = false` or `relaxed`.
{
  lib,
  config,
  hostPlatform,
}:
let
  checkMeta = import ./check-meta.nix { inherit lib config hostPlatform; };

  # Values `derivation` can take; others (functions, plain attribute sets) reach
  # it as null, which keeps the attribute names lazy, and stay on the result.
  passable =
    v:
    builtins.isString v
    || builtins.isPath v
    || builtins.isBool v
    || builtins.isInt v
    || builtins.isFloat v
    || v == null
    || builtins.isList v
    || lib.isDerivation v;

  mkDerivationSimple =
    overrideAttrs: attrs:
    let
      pos = builtins.unsafeGetAttrPos (if attrs ? pname then "pname" else "name") attrs;
      name =
        if attrs ? name then
          attrs.name
        else
          assert lib.assertMsg (
            attrs ? version && attrs.version != null
          ) "The ‘version’ attribute cannot be null.";
          "${attrs.pname}-${attrs.version}";
      meta =
        (attrs.meta or { })
        // lib.optionalAttrs (pos != null) {
          position = "${pos.file}:${toString pos.line}";
        };
      passthru = attrs.passthru or { };
      drvAttrs =
        builtins.mapAttrs (n: v: if passable v then v else null) (
          removeAttrs attrs [
            "meta"
            "passthru"
            "env"
            "pos"
          ]
        )
        // (attrs.env or { })
        // {
          inherit name;
          system = hostPlatform.system;
          builder = "/bin/bash";
          args = [
            "-e"
            ./default-builder.sh
          ];
          stdenvSetup = ./setup.sh;
          __noChroot = true;
        };
      validity = checkMeta {
        inherit name meta;
        attrs = attrs // {
          inherit name;
        };
      };
      drv = derivation drvAttrs;
    in
    lib.extendDerivation validity (
      removeAttrs attrs [ "passthru" ]
      // passthru
      // {
        inherit meta passthru overrideAttrs;
        inherit (drv) drvAttrs;
      }
    ) drv;

  # As nixpkgs' makeDerivationExtensible: `finalAttrs` is the fixed point of the
  # attributes, after every overrideAttrs.
  makeDerivationExtensible =
    rattrs:
    let
      args = rattrs (
        args
        // {
          inherit finalPackage overrideAttrs;
        }
      );
      overrideAttrs =
        f0:
        let
          f =
            self: super:
            let
              x = f0 super;
            in
            if builtins.isFunction x then f0 self super else x;
        in
        makeDerivationExtensible (
          self:
          let
            super = rattrs self;
          in
          super // (if lib.isFunction f0 then f self super else f0)
        );
      finalPackage = mkDerivationSimple overrideAttrs args;
    in
    finalPackage;
in
{
  inherit hostPlatform;
  buildPlatform = hostPlatform;
  targetPlatform = hostPlatform;
  system = hostPlatform.system;
  inherit (hostPlatform) isLinux isDarwin isx86_64 isAarch64;
  shell = "/bin/bash";

  mkDerivation =
    fnOrAttrs:
    makeDerivationExtensible (if builtins.isFunction fnOrAttrs then fnOrAttrs else (_: fnOrAttrs));
}
