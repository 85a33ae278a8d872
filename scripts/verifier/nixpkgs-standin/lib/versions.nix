# Stand-in for nixpkgs' lib/versions.nix: pieces of dotted version strings.
{ lib }:
rec {
  splitVersion = builtins.splitVersion;

  major = v: builtins.elemAt (splitVersion v) 0;
  minor = v: builtins.elemAt (splitVersion v) 1;
  patch = v: builtins.elemAt (splitVersion v) 2;

  majorMinor = v: builtins.concatStringsSep "." (lib.take 2 (splitVersion v));

  pad =
    n: version:
    let
      numericVersion = lib.head (lib.splitString "-" version);
      versionSuffix = lib.removePrefix numericVersion version;
      missing = n - builtins.length (splitVersion numericVersion);
    in
    builtins.concatStringsSep "." (
      lib.take n (splitVersion numericVersion ++ builtins.genList (_: "0") (lib.max 0 missing))
    )
    + versionSuffix;
}
