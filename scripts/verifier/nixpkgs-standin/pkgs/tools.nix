# Stand-ins for the ordinary packages the guide's derivations depend on (the kernel's
# build tools and a few others), under their nixpkgs names and versions. Each one links
# the host's programs (from /usr/bin or /usr/sbin) into its `bin`, so a build that lists it in `nativeBuildInputs`
# finds them; a program the host lacks is simply missing, as it would be from a package
# that does not provide it.
{ lib, stdenv }:
let
  hostTool =
    pname: version: description: programs:
    stdenv.mkDerivation {
      inherit pname version programs;
      buildCommand = ''
        mkdir -p $out/bin
        for program in $programs; do
          for dir in /usr/bin /usr/sbin; do
            if [ -x "$dir/$program" ]; then
              ln -s "$dir/$program" "$out/bin/$program"
              break
            fi
          done
        done
      '';
      meta = {
        inherit description;
        mainProgram = pname;
        platforms = lib.platforms.all;
      };
    };
in
{
  bc = hostTool "bc" "1.08.1" "GNU software calculator" [ "bc" ];
  bison = hostTool "bison" "3.8.2" "Yacc-compatible parser generator" [ "bison" ];
  coreutils = hostTool "coreutils" "9.7" "GNU Core Utilities" [ ];
  elfutils = hostTool "elfutils" "0.193" "Set of utilities to handle ELF objects" [ "eu-readelf" ];
  flex = hostTool "flex" "2.6.4" "Fast lexical analyser generator" [ "flex" ];
  gnumake = hostTool "gnumake" "4.4.1" "Tool to control the generation of non-source files from sources" [ "make" ];
  hello = hostTool "hello" "2.12.2" "Program that produces a familiar, friendly greeting" [ "hello" ];
  kmod = hostTool "kmod" "34.2" "Tools for loading and managing Linux kernel modules" [
    "kmod"
    "modinfo"
    "depmod"
  ];
  libelf = hostTool "libelf" "0.8.13" "ELF object file access library" [ ];
  nix-update = hostTool "nix-update" "1.11.0" "Swiss-knife for updating nix packages" [ "nix-update" ];
  openssl = hostTool "openssl" "3.4.1" "Cryptographic library that implements the SSL and TLS protocols" [ "openssl" ];
  pahole = hostTool "pahole" "1.30" "Shows, manipulates, and uses data structure layouts and debug info" [ "pahole" ];
  perl = hostTool "perl" "5.40.0" "Standard implementation of the Perl 5 programming language" [ "perl" ];
  zstd = hostTool "zstd" "1.5.7" "Zstandard real-time compression algorithm" [ "zstd" ];
}
