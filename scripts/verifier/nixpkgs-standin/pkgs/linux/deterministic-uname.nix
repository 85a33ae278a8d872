# Stand-in for nixpkgs' pkgs/by-name/de/deterministic-uname: a `uname` whose `-r` answers
# the kernel's modDirVersion (module Makefiles ask `uname -r` which kernel to build for),
# overridden per kernel. Other questions go to the host's uname.
{
  lib,
  stdenv,
  modDirVersion ? "",
}:
stdenv.mkDerivation {
  pname = "deterministic-uname";
  version = "1";
  inherit modDirVersion;
  buildCommand = ''
    mkdir -p $out/bin
    cat >$out/bin/uname <<SCRIPT
    #!/bin/sh
    for arg in "\$@"; do
      if [ "\$arg" = -r ]; then echo "$modDirVersion"; exit 0; fi
    done
    exec /usr/bin/uname "\$@"
    SCRIPT
    chmod +x $out/bin/uname
  '';
  meta = {
    description = "Print certain system information (hardcoded with lib/system values)";
    mainProgram = "uname";
    platforms = lib.platforms.all;
  };
}
