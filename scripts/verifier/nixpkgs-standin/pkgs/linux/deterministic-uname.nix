# Stand-in for nixpkgs' deterministic-uname: a `uname` that reports the kernel's
# modDirVersion, overridden per kernel.
{
  lib,
  stdenv,
  modDirVersion ? "",
}:
stdenv.mkDerivation {
  pname = "deterministic-uname";
  version = "1";
  inherit modDirVersion;
  meta = {
    description = "Print certain system information (hardcoded with lib/system values)";
    mainProgram = "uname";
    platforms = lib.platforms.all;
  };
}
