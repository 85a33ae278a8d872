# Stand-ins for the ordinary packages the guide's derivations depend on (the
# kernel's build tools and a few others): real names and versions, not buildable.
{ lib, stdenv }:
let
  stub =
    pname: version: description:
    stdenv.mkDerivation {
      inherit pname version;
      meta = {
        inherit description;
        mainProgram = pname;
        platforms = lib.platforms.all;
      };
    };
in
{
  bc = stub "bc" "1.08.1" "GNU software calculator";
  bison = stub "bison" "3.8.2" "Yacc-compatible parser generator";
  coreutils = stub "coreutils" "9.7" "GNU Core Utilities";
  elfutils = stub "elfutils" "0.193" "Set of utilities to handle ELF objects";
  flex = stub "flex" "2.6.4" "Fast lexical analyser generator";
  gnumake = stub "gnumake" "4.4.1" "Tool to control the generation of non-source files from sources";
  hello = stub "hello" "2.12.2" "Program that produces a familiar, friendly greeting";
  kmod = stub "kmod" "34.2" "Tools for loading and managing Linux kernel modules";
  libelf = stub "libelf" "0.8.13" "ELF object file access library";
  nix-update = stub "nix-update" "1.11.0" "Swiss-knife for updating nix packages";
  openssl = stub "openssl" "3.4.1" "Cryptographic library that implements the SSL and TLS protocols";
  pahole = stub "pahole" "1.30" "Shows, manipulates, and uses data structure layouts and debug info";
  perl = stub "perl" "5.40.0" "Standard implementation of the Perl 5 programming language";
  zstd = stub "zstd" "1.5.7" "Zstandard real-time compression algorithm";
}
