# Stand-in for nixpkgs' lib/options.nix: option declarations, the standard merge
# functions, and how option names and definitions are printed in errors.
{ lib }:
let
  inherit (builtins)
    all
    concatStringsSep
    filter
    head
    isAttrs
    isBool
    isInt
    isList
    isString
    length
    tail
    ;
  prioritySuggestion = ''
    Use `lib.mkForce value` or `lib.mkDefault value` to change the priority on any of these definitions.
  '';
in
rec {
  isOption = lib.isType "option";

  mkOption =
    {
      default ? null,
      defaultText ? null,
      example ? null,
      description ? null,
      relatedPackages ? null,
      type ? null,
      apply ? null,
      internal ? null,
      visible ? null,
      readOnly ? null,
    }@attrs:
    attrs // { _type = "option"; };

  mkEnableOption =
    name:
    mkOption {
      default = false;
      example = true;
      description = "Whether to enable ${name}.";
      type = lib.types.bool;
    };

  # mkPackageOption pkgs "name" { default = [ "path" ]; }
  mkPackageOption =
    pkgs: name:
    {
      nullable ? false,
      default ? name,
      example ? null,
      extraDescription ? "",
      pkgsText ? "pkgs",
    }:
    let
      path = lib.toList default;
      defaultValue = lib.attrByPath path (throw "${lib.concatStringsSep "." path} cannot be found in ${pkgsText}") pkgs;
    in
    mkOption {
      type = if nullable then lib.types.nullOr lib.types.package else lib.types.package;
      default = defaultValue;
      description = "The ${name} package to use.${extraDescription}";
    };

  literalExpression = text: {
    _type = "literalExpression";
    inherit text;
  };
  literalMD = text: {
    _type = "literalMD";
    inherit text;
  };

  getValues = map (x: x.value);
  getFiles = map (x: x.file);

  # Several definitions are allowed if they are all equal.
  mergeEqualOption =
    loc: defs:
    if defs == [ ] then
      abort "This case should never happen."
    else
      (lib.foldl' (
        first: def:
        if def.value != first.value then
          throw "The option `${showOption loc}' has conflicting definition values:${
            showDefs [
              first
              def
            ]
          }\n${prioritySuggestion}"
        else
          first
      ) (head defs) (tail defs)).value;

  mergeUniqueOption =
    { message }:
    loc: defs:
    if length defs == 1 then
      (head defs).value
    else
      assert length defs > 1;
      throw "The option `${showOption loc}' is defined multiple times while it's expected to be unique.\n${message}\nDefinition values:${showDefs defs}\n${prioritySuggestion}";

  mergeOneOption = mergeUniqueOption { message = ""; };

  mergeDefaultOption =
    loc: defs:
    let
      list = getValues defs;
    in
    if length list == 1 then
      head list
    else if all lib.isFunction list then
      x: mergeDefaultOption loc (map (f: f x) list)
    else if all isList list then
      lib.concatLists list
    else if all isAttrs list then
      lib.foldl' lib.mergeAttrs { } list
    else if all isBool list then
      lib.foldl' (x: y: x || y) false list
    else if all isString list then
      lib.concatStrings list
    else if all isInt list && all (x: x == head list) list then
      head list
    else
      throw "Cannot merge definitions of `${showOption loc}'. Definition values:${showDefs defs}";

  # Option paths as NixOS prints them: `fileSystems."/".device'.
  showOption =
    parts:
    let
      special = [
        "<name>"
        "*"
        "<function body>"
      ];
      escapeOptionPart = part: if builtins.elem part special then part else lib.strings.escapeNixIdentifier part;
    in
    concatStringsSep "." (map escapeOptionPart parts);

  showFiles = files: concatStringsSep " and " (map (f: "`${f}'") files);

  # "\n- In `FILE': VALUE" for each definition; long values are cut after 5 lines.
  showDefs =
    defs:
    lib.concatMapStrings (
      def:
      let
        prettyEval = builtins.tryEval (
          lib.generators.toPretty { } (
            lib.generators.withRecursion {
              depthLimit = 10;
              throwOnDepthLimit = false;
            } def.value
          )
        );
        lines = filter (v: !isList v) (builtins.split "\n" prettyEval.value);
        value = concatStringsSep "\n    " (lib.take 5 lines ++ lib.optional (length lines > 5) "...");
        result =
          if !prettyEval.success then
            ""
          else if length lines > 1 then
            ":\n    " + value
          else
            ": " + value;
      in
      "\n- In `${def.file}'${result}"
    ) defs;
}
