# Stand-in for nixpkgs' lib/generators.nix: `toPretty`, which error messages use
# to print definition values the way nixpkgs prints them.
{ lib }:
let
  inherit (builtins)
    attrNames
    concatStringsSep
    isAttrs
    isBool
    isFloat
    isInt
    isList
    isPath
    isString
    length
    ;
in
{
  toPretty =
    {
      allowPrettyValues ? false,
      multiline ? true,
      indent ? "",
    }:
    let
      go =
        indent: v:
        let
          introSpace = if multiline then "\n${indent}  " else " ";
          outroSpace = if multiline then "\n${indent}" else " ";
          deeper = go (indent + "  ");
        in
        if isInt v then
          toString v
        else if isFloat v then
          builtins.toJSON v
        else if isString v then
          let
            lines = builtins.filter (x: !isList x) (builtins.split "\n" v);
            escapeSingleline = lib.escape [
              "\\"
              "\""
              "\${"
            ];
            escapeMultiline = builtins.replaceStrings [ "\${" "''" ] [ "''\${" "'''" ];
            singlelineResult = "\"" + concatStringsSep "\\n" (map escapeSingleline lines) + "\"";
            escapedLines = map escapeMultiline lines;
            lastLine = lib.last escapedLines;
            multilineResult =
              "''"
              + introSpace
              + concatStringsSep introSpace (lib.init escapedLines)
              + (if lastLine == "" then outroSpace else introSpace + lastLine)
              + "''";
          in
          if multiline && length lines > 1 then multilineResult else singlelineResult
        else if isBool v then
          lib.boolToString v
        else if v == null then
          "null"
        else if isPath v then
          toString v
        else if isList v then
          if v == [ ] then
            "[ ]"
          else
            "[" + introSpace + concatStringsSep introSpace (map deeper v) + outroSpace + "]"
        else if lib.isFunction v then
          let
            fna = lib.functionArgs v;
            showFnas = concatStringsSep ", " (
              lib.mapAttrsToList (name: hasDefVal: if hasDefVal then name + "?" else name) fna
            );
          in
          if fna == { } then "<function>" else "<function, args: {${showFnas}}>"
        else if isAttrs v then
          if allowPrettyValues && v ? __pretty && v ? val then
            v.__pretty v.val
          else if v == { } then
            "{ }"
          else if lib.isDerivation v then
            "<derivation ${v.name or "???"}>"
          else
            "{"
            + introSpace
            + concatStringsSep introSpace (
              map (
                name:
                "${lib.strings.escapeNixIdentifier name} = ${
                  builtins.addErrorContext "while evaluating an attribute `${name}`" (deeper v.${name})
                };"
              ) (attrNames v)
            )
            + outroSpace
            + "}"
        else
          abort "generators.toPretty: should never happen (v = ${v})";
    in
    go indent;

  # As nixpkgs' withRecursion: what is nested deeper than `depthLimit` becomes
  # "<unevaluated>", or throws. Functors' special attributes are left as they are.
  withRecursion =
    {
      depthLimit,
      throwOnDepthLimit ? true,
    }:
    let
      special = [
        "__functor"
        "__functionArgs"
        "__toString"
        "__pretty"
      ];
      cut =
        depth: v:
        if depth > depthLimit then
          if throwOnDepthLimit then
            throw "Exceeded maximum eval-depth limit of ${toString depthLimit} while trying to evaluate with `generators.withRecursion'!"
          else
            "<unevaluated>"
        else if isAttrs v then
          builtins.mapAttrs (name: x: if builtins.elem name special then x else cut (depth + 1) x) v
        else if isList v then
          map (cut (depth + 1)) v
        else
          v;
    in
    cut 0;
}
