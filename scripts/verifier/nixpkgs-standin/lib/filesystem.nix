# Stand-in for nixpkgs' lib/filesystem.nix: packagesFromDirectoryRecursive with
# the argument rules of nixpkgs 25.05 (only callPackage, newScope and directory;
# any other argument is Nix's own "called with unexpected argument" error). As in
# nixpkgs' lib/filesystem.nix of nixos-26.05, every path is joined with lib.path.append,
# so a string `directory` fails with "lib.path.append: The first argument is of type
# string, but a path was expected".
{ lib }:
let
  inherit (builtins) pathExists readDir;
  inherit (lib) hasSuffix removeSuffix;
  inherit (lib.path) append;
in
rec {
  listFilesRecursive =
    dir:
    lib.flatten (
      lib.mapAttrsToList (
        name: type: if type == "directory" then listFilesRecursive (dir + "/${name}") else dir + "/${name}"
      ) (readDir dir)
    );

  packagesFromDirectoryRecursive =
    let
      # One attribute per entry: sub-directories recurse, `x.nix` becomes `x`,
      # other files are ignored.
      processDir =
        { callPackage, directory, ... }@args:
        lib.concatMapAttrs (
          name: type:
          let
            path = append directory name;
          in
          if type == "directory" then
            { ${name} = packagesFromDirectoryRecursive (args // { directory = path; }); }
          else if type == "regular" && hasSuffix ".nix" name then
            { ${removeSuffix ".nix" name} = callPackage path { }; }
          else if type == "regular" then
            { }
          else
            throw ''
              lib.filesystem.packagesFromDirectoryRecursive: Unsupported file type ${type} at path ${toString path}
            ''
        ) (readDir directory);
    in
    {
      callPackage,
      newScope ? throw "lib.packagesFromDirectoryRecursive: newScope wasn't passed in args",
      directory,
    }@args:
    let
      defaultPath = append directory "package.nix";
    in
    if pathExists defaultPath then
      callPackage defaultPath { }
    else if args ? newScope then
      lib.recurseIntoAttrs (
        lib.makeScope newScope (self: processDir (args // { inherit (self) callPackage newScope; }))
      )
    else
      processDir args;
}
