# Stand-in for nixpkgs' lib/path/default.nix: only `append`, which
# lib.filesystem.packagesFromDirectoryRecursive joins paths with. Like nixpkgs, it takes a
# path value (never a string) and a relative subpath string, and says which one is wrong.
{ lib }:
let
  # Why `subpath` is not a valid subpath string, or null when it is (nixpkgs' rules: a
  # non-empty string, not absolute, without `..` components).
  subpathInvalidReason =
    subpath:
    if !builtins.isString subpath then
      "The given value is of type ${builtins.typeOf subpath}, but a string was expected"
    else if subpath == "" then
      "The given string is empty"
    else if builtins.substring 0 1 subpath == "/" then
      "The given string \"${subpath}\" starts with a `/`, representing an absolute path"
    else if builtins.match "(.*/)?\\.\\.(/.*)?" subpath != null then
      "The given string \"${subpath}\" contains a `..` component, which is not allowed in subpaths"
    else
      null;
in
{
  append =
    path: subpath:
    assert lib.asserts.assertMsg (builtins.isPath path)
      "lib.path.append: The first argument is of type ${builtins.typeOf path}, but a path was expected";
    assert lib.asserts.assertMsg (subpathInvalidReason subpath == null) ''
      lib.path.append: Second argument is not a valid subpath string:
          ${subpathInvalidReason subpath}'';
    path + ("/" + subpath);
}
