# Stand-in for nixpkgs' pkgs/stdenv/generic/check-meta.nix: refuse packages that
# are unfree, broken or not available on the host platform, in nixpkgs' words.
# Returns true, or throws when the package's drvPath or outPath is read.
{
  lib,
  config,
  hostPlatform,
}:
let
  toPretty' = lib.generators.toPretty { indent = "  "; };

  allowUnfree =
    attrs:
    config.allowUnfree or false
    || builtins.getEnv "NIXPKGS_ALLOW_UNFREE" == "1"
    || (config.allowUnfreePredicate or (_: false)) attrs;

  isUnfree = licenses: lib.any (l: !(l.free or true)) (lib.toList licenses);

  remediation = variable: option: ''

    a) To temporarily allow packages like this one for a single invocation of the
       nix tools, set an environment variable:

         $ export NIXPKGS_ALLOW_${variable}=1

       Note: When using `nix shell`, `nix build`, `nix develop`, etc with a flake,
             then pass `--impure` in order to allow use of environment variables.

    b) For `nixos-rebuild` you can set
      { nixpkgs.config.${option} = true; }
    in configuration.nix to override this.
  '';

  refuse =
    { name, meta }:
    reason: help:
    throw (
      "Refusing to evaluate package '${name}' in ${meta.position or "«unknown-file»"} because it ${reason}" + help
    );
in
{
  name,
  meta,
  attrs,
}:
if meta ? license && isUnfree meta.license && !allowUnfree attrs then
  refuse { inherit name meta; } "has an unfree license (‘${
    lib.concatMapStringsSep ", " (l: l.shortName or "unknown") (lib.toList meta.license)
  }’)" (remediation "UNFREE" "allowUnfree")
else if meta.broken or false && !(config.allowBroken or false) && builtins.getEnv "NIXPKGS_ALLOW_BROKEN" != "1" then
  refuse { inherit name meta; } "is marked as broken" (remediation "BROKEN" "allowBroken")
else if
  !lib.meta.availableOn hostPlatform { inherit meta; }
  && !(config.allowUnsupportedSystem or false)
  && builtins.getEnv "NIXPKGS_ALLOW_UNSUPPORTED_SYSTEM" != "1"
then
  refuse { inherit name meta; } ''
    is not available on the requested hostPlatform:
      hostPlatform.system = "${hostPlatform.system}"
      package.meta.platforms = ${toPretty' (meta.platforms or [ ])}
      package.meta.badPlatforms = ${toPretty' (meta.badPlatforms or [ ])}
  '' (remediation "UNSUPPORTED_SYSTEM" "allowUnsupportedSystem")
else
  true
