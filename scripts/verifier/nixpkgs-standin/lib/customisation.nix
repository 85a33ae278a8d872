# Stand-in for nixpkgs' lib/customisation.nix: callPackage and its error for a
# missing argument (same wording, raised with `abort` as nixpkgs does), `.override`,
# scopes, and extendDerivation.
{ lib }:
let
  inherit (builtins)
    attrNames
    filter
    functionArgs
    head
    intersectAttrs
    isAttrs
    length
    listToAttrs
    removeAttrs
    ;
  inherit (lib) isFunction mirrorFunctionArgs setFunctionArgs;
in
rec {
  # Give the result of `f origArgs` an `override` that calls `f` again with changed arguments.
  makeOverridable =
    f:
    let
      mirrorArgs = mirrorFunctionArgs f;
    in
    mirrorArgs (
      origArgs:
      let
        result = f origArgs;
        overrideWith = newArgs: origArgs // (if isFunction newArgs then newArgs origArgs else newArgs);
        overrideArgs = mirrorArgs (newArgs: makeOverridable f (overrideWith newArgs));
        overrideResult = g: makeOverridable (mirrorArgs (args: g (f args))) origArgs;
      in
      if isAttrs result then
        result
        // {
          override = overrideArgs;
          overrideDerivation = fdrv: overrideResult (x: overrideDerivation x fdrv);
          ${if result ? overrideAttrs then "overrideAttrs" else null} =
            fdrv: overrideResult (x: x.overrideAttrs fdrv);
        }
      else if isFunction result then
        setFunctionArgs result (lib.functionArgs result) // { override = overrideArgs; }
      else
        result
    );

  callPackageWith =
    autoArgs: fn: args:
    let
      f = if isFunction fn then fn else import fn;
      fargs = lib.functionArgs f;
      allArgs = intersectAttrs fargs autoArgs // args;

      # Formals that have no default and that neither autoArgs nor args supply.
      missingArgs = lib.filterAttrs (name: hasDefault: !hasDefault) (removeAttrs fargs (attrNames allArgs));

      getSuggestions =
        arg:
        lib.pipe (autoArgs // args) [
          attrNames
          (filter (lib.strings.levenshteinAtMost 2 arg))
          (lib.sortOn (lib.strings.levenshtein arg))
          (lib.take 3)
          (map (x: "\"" + x + "\""))
        ];

      prettySuggestions =
        suggestions:
        if suggestions == [ ] then
          ""
        else if length suggestions == 1 then
          ", did you mean ${head suggestions}?"
        else
          ", did you mean ${lib.concatStringsSep ", " (lib.init suggestions)} or ${lib.last suggestions}?";

      errorForArg =
        arg:
        let
          loc = builtins.unsafeGetAttrPos arg fargs;
          loc' = if loc != null then loc.file + ":" + toString loc.line else "<unknown location>";
        in
        "Function called without required argument \"${arg}\" at ${loc'}${prettySuggestions (getSuggestions arg)}";
    in
    if missingArgs == { } then
      makeOverridable f allArgs
    # An abort, like nixpkgs: `builtins.tryEval` must not hide a missing argument.
    else
      abort "lib.customisation.callPackageWith: ${errorForArg (head (attrNames missingArgs))}";

  callPackagesWith =
    autoArgs: fn: args:
    let
      f = if isFunction fn then fn else import fn;
      auto = intersectAttrs (lib.functionArgs f) autoArgs;
      origArgs = auto // args;
      pkgs = f origArgs;
      mkAttrOverridable = name: _: makeOverridable (newArgs: (f newArgs).${name}) origArgs;
    in
    if lib.isDerivation pkgs then
      throw "function `callPackages` was called on a *single* derivation; use `callPackage` instead"
    else
      lib.mapAttrs mkAttrOverridable pkgs;

  # A package set whose `callPackage` fills arguments from the set first, then from
  # the enclosing scope.
  makeScope =
    newScope: f:
    let
      self = f self // {
        newScope = scope: newScope (self // scope);
        callPackage = self.newScope { };
        overrideScope = g: makeScope newScope (lib.extends g f);
        packages = f;
      };
    in
    self;

  # Add `passthru` to a derivation and to each of its outputs; reading `drvPath` or
  # `outPath` first checks `condition` (nixpkgs' meta checks throw from there).
  extendDerivation =
    condition: passthru: drv:
    let
      outputs = drv.outputs or [ "out" ];
      commonAttrs =
        drv // listToAttrs outputsList // { all = map (x: x.value) outputsList; } // passthru;
      outputToAttrListElement = outputName: {
        name = outputName;
        value =
          commonAttrs
          // {
            inherit (drv.${outputName}) type outputName;
            outputSpecified = true;
            drvPath =
              assert condition;
              drv.${outputName}.drvPath;
            outPath =
              assert condition;
              drv.${outputName}.outPath;
          }
          // lib.optionalAttrs (passthru ? overrideAttrs) {
            overrideAttrs = f: (passthru.overrideAttrs f).${outputName};
          };
      };
      outputsList = map outputToAttrListElement outputs;
    in
    commonAttrs
    // {
      drvPath =
        assert condition;
        drv.drvPath;
      outPath =
        assert condition;
        drv.outPath;
    };

  overrideDerivation =
    drv: f:
    let
      newDrv = derivation (drv.drvAttrs // (f drv));
    in
    extendDerivation true (
      {
        meta = drv.meta or { };
        passthru = drv.passthru or { };
      }
      // (drv.passthru or { })
    ) newDrv;
}
