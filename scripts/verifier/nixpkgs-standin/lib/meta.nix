# Stand-in for nixpkgs' lib/meta.nix: whether a package is available on a
# platform, and the main program of a package.
{ lib }:
{
  # meta.platforms entries are system strings here (nixpkgs also allows patterns).
  availableOn =
    platform: pkg:
    let
      system = platform.system or platform;
    in
    (!(pkg ? meta.platforms) || builtins.elem system pkg.meta.platforms)
    && !(builtins.elem system (pkg.meta.badPlatforms or [ ]));

  getExe =
    x:
    "${lib.getBin x}/bin/${
      x.meta.mainProgram or (lib.warn "getExe: Package ${lib.getName x} does not have the meta.mainProgram attribute." (lib.getName x))
    }";
}
