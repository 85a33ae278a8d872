# Stand-in for nixpkgs' lib/types.nix: option types with nixpkgs' names,
# descriptions (as printed in "is not of type" errors), checks and merges.
#
# As nixpkgs' lib/types.nix of nixos-26.05 (the "v2" merge, new in 25.11), the composite
# types (listOf, attrsOf, lazyAttrsOf, nullOr, either, coercedTo, submodule) have a
# `merge.v2 { loc, defs }` that answers `{ headError, value }` instead of throwing: a
# definition of the wrong shape is a `headError` whose message starts "Definition values:",
# and lib/modules.nix prints it after a `TypeError:` prefix. The other types keep the plain
# `merge loc defs`, and their errors have no prefix. (nixpkgs' `valueMeta` and its check
# that a v2 type's `check` was not replaced with `//` are left out.)
{ lib }:
let
  inherit (builtins)
    all
    concatLists
    filter
    foldl'
    head
    isAttrs
    isBool
    isFloat
    isInt
    isList
    isString
    length
    tail
    ;
  inherit (lib.options)
    mergeDefaultOption
    mergeEqualOption
    mergeOneOption
    showFiles
    showOption
    getFiles
    getValues
    showDefs
    ;
  inherit (lib.modules) mergeDefinitions evalModules;

  # The head error of the definitions that fail `check`, or null (nixpkgs' checkDefsForError).
  checkDefsForError =
    check: loc: defs:
    let
      invalidDefs = filter (def: !check def.value) defs;
    in
    if invalidDefs == [ ] then null else { message = "Definition values: ${showDefs invalidDefs}"; };

  # A v2 merge, also callable as the plain `merge loc defs` (which ignores the head error).
  mkMergeV2 = v2: {
    __functor =
      self: loc: defs:
      (self.v2 { inherit loc defs; }).value;
    inherit v2;
  };

  # What a type answers to a v2 merge, whether it has one or not.
  mergeV2Of =
    type: loc: defs:
    if type.merge ? v2 then
      type.merge.v2 { inherit loc defs; }
    else
      {
        headError = checkDefsForError type.check loc defs;
        value = type.merge loc defs;
      };

  # A type's description, in parentheses unless its class reads well inside
  # the phrase of an enclosing type ("list of string", "list of (submodule)").
  optionDescriptionPhrase =
    unparenthesize: t:
    if unparenthesize (t.descriptionClass or null) then t.description else "(${t.description})";

  nounOrComposite = class: class == "noun" || class == "composite";
  nounOrConjunction = class: class == "noun" || class == "conjunction";
  # Definitions of each attribute, as a list per attribute name.
  attrDefsByName =
    defs:
    builtins.zipAttrsWith (name: defs: defs) (
      map (
        def:
        builtins.mapAttrs (n: v: {
          inherit (def) file;
          value = v;
        }) def.value
      ) defs
    );
in
rec {
  # As nixpkgs: lib.types.isType, which lib/default.nix brings to the top level.
  isType = type: x: (x._type or "") == type;

  isOptionType = lib.isType "option-type";

  mkOptionType =
    {
      name,
      description ? null,
      descriptionClass ? null,
      check ? (x: true),
      merge ? mergeDefaultOption,
      emptyValue ? { },
      getSubOptions ? prefix: { },
      nestedTypes ? { },
    }:
    {
      _type = "option-type";
      inherit
        name
        descriptionClass
        check
        merge
        emptyValue
        getSubOptions
        nestedTypes
        ;
      description = if description == null then name else description;
    };

  raw = mkOptionType {
    name = "raw";
    description = "raw value";
    descriptionClass = "noun";
    merge = mergeOneOption;
  };

  unspecified = mkOptionType {
    name = "unspecified";
    description = "unspecified value";
    descriptionClass = "noun";
  };

  anything = mkOptionType {
    name = "anything";
    description = "anything";
    descriptionClass = "noun";
    merge =
      loc: defs:
      let
        getType =
          value:
          if isAttrs value && lib.isStringLike value then "stringCoercibleSet" else builtins.typeOf value;
        commonType = foldl' (
          type: def:
          if getType def.value == type then
            type
          else
            throw "The option `${showOption loc}' has conflicting option types in ${showFiles (getFiles defs)}"
        ) (getType (head defs).value) defs;
        mergeFunction =
          {
            set = (attrsOf anything).merge;
            stringCoercibleSet = mergeOneOption;
            lambda =
              loc: defs: arg:
              anything.merge (loc ++ [ "<function body>" ]) (
                map (def: {
                  file = def.file;
                  value = def.value arg;
                }) defs
              );
          }
          .${commonType} or mergeEqualOption;
      in
      mergeFunction loc defs;
  };

  bool = mkOptionType {
    name = "bool";
    description = "boolean";
    descriptionClass = "noun";
    check = isBool;
    merge = mergeEqualOption;
  };

  int = mkOptionType {
    name = "int";
    description = "signed integer";
    descriptionClass = "noun";
    check = isInt;
    merge = mergeEqualOption;
  };

  ints = {
    unsigned = addCheck int (x: x >= 0) // {
      name = "unsignedInt";
      description = "unsigned integer, meaning >=0";
    };
    positive = addCheck int (x: x > 0) // {
      name = "positiveInt";
      description = "positive integer, meaning >0";
    };
  };

  port = addCheck int (x: x >= 0 && x <= 65535) // {
    name = "port";
    description = "16 bit unsigned integer; between 0 and 65535 (both inclusive)";
  };

  float = mkOptionType {
    name = "float";
    description = "floating point number";
    descriptionClass = "noun";
    check = isFloat;
    merge = mergeEqualOption;
  };

  str = mkOptionType {
    name = "str";
    description = "string";
    descriptionClass = "noun";
    check = isString;
    merge = mergeEqualOption;
  };

  nonEmptyStr = addCheck str (x: builtins.match "[ \t\n]*" x == null) // {
    name = "nonEmptyStr";
    description = "non-empty string";
  };

  strMatching =
    pattern:
    mkOptionType {
      name = "strMatching ${lib.strings.escapeNixString pattern}";
      description = "string matching the pattern ${pattern}";
      descriptionClass = "noun";
      check = x: isString x && builtins.match pattern x != null;
      merge = mergeEqualOption;
    };

  separatedString =
    sep:
    mkOptionType {
      name = "separatedString";
      description =
        if sep == "" then "Concatenated string" else "strings concatenated with ${builtins.toJSON sep}";
      descriptionClass = "noun";
      check = isString;
      merge = loc: defs: lib.concatStringsSep sep (getValues defs);
    };

  lines = separatedString "\n";
  commas = separatedString ",";

  path = mkOptionType {
    name = "path";
    descriptionClass = "noun";
    check = x: lib.isStringLike x && builtins.substring 0 1 (toString x) == "/";
    merge = mergeEqualOption;
  };

  package = mkOptionType {
    name = "package";
    descriptionClass = "noun";
    check = x: lib.isDerivation x || lib.isStorePath x;
    merge = mergeOneOption;
  };

  attrs = mkOptionType {
    name = "attrs";
    description = "attribute set";
    check = isAttrs;
    merge = loc: foldl' (res: def: res // def.value) { };
    emptyValue = {
      value = { };
    };
  };

  enum =
    values:
    let
      show =
        v:
        if isString v then
          ''"${v}"''
        else if isInt v then
          toString v
        else if isBool v then
          lib.boolToString v
        else
          ''<${builtins.typeOf v}>'';
    in
    mkOptionType {
      name = "enum";
      description =
        if values == [ ] then
          "impossible (empty enum)"
        else if length values == 1 then
          "value ${show (head values)} (singular enum)"
        else
          "one of ${lib.concatMapStringsSep ", " show values}";
      descriptionClass = if length values < 2 then "noun" else "conjunction";
      check = x: builtins.elem x values;
      merge = mergeEqualOption;
    };

  listOf =
    elemType:
    mkOptionType {
      name = "listOf";
      description = "list of ${optionDescriptionPhrase nounOrComposite elemType}";
      descriptionClass = "composite";
      check = isList;
      merge = mkMergeV2 (
        { loc, defs }:
        {
          headError = checkDefsForError isList loc defs;
          value = map (x: x.value) (
            filter (x: x ? value) (
              concatLists (
                lib.imap1 (
                  n: def:
                  lib.imap1 (
                    m: value:
                    (mergeDefinitions (loc ++ [ "[definition ${toString n}-entry ${toString m}]" ]) elemType [
                      {
                        inherit (def) file;
                        inherit value;
                      }
                    ]).optionalValue
                  ) def.value
                ) defs
              )
            )
          );
        }
      );
      emptyValue = {
        value = [ ];
      };
      getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "*" ]);
      nestedTypes.elemType = elemType;
    };

  attrsOf =
    elemType:
    mkOptionType {
      name = "attrsOf";
      description = "attribute set of ${optionDescriptionPhrase nounOrComposite elemType}";
      descriptionClass = "composite";
      check = isAttrs;
      merge = mkMergeV2 (
        { loc, defs }:
        {
          headError = checkDefsForError isAttrs loc defs;
          value = builtins.mapAttrs (n: v: v.value) (
            lib.filterAttrs (n: v: v ? value) (
              builtins.mapAttrs (
                name: defs: (mergeDefinitions (loc ++ [ name ]) elemType defs).optionalValue
              ) (attrDefsByName defs)
            )
          );
        }
      );
      emptyValue = {
        value = { };
      };
      getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "<name>" ]);
      nestedTypes.elemType = elemType;
    };

  # Like attrsOf, but which attributes exist is known without evaluating their values.
  lazyAttrsOf =
    elemType:
    mkOptionType {
      name = "lazyAttrsOf";
      description = "lazy attribute set of ${optionDescriptionPhrase nounOrComposite elemType}";
      descriptionClass = "composite";
      check = isAttrs;
      merge = mkMergeV2 (
        { loc, defs }:
        {
          headError = checkDefsForError isAttrs loc defs;
          value = builtins.mapAttrs (
            name: defs:
            let
              merged = mergeDefinitions (loc ++ [ name ]) elemType defs;
            in
            if merged.isDefined then merged.mergedValue else elemType.emptyValue.value or merged.mergedValue
          ) (attrDefsByName defs);
        }
      );
      emptyValue = {
        value = { };
      };
      getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "<name>" ]);
      nestedTypes.elemType = elemType;
    };

  nullOr =
    elemType:
    mkOptionType {
      name = "nullOr";
      description = "null or ${optionDescriptionPhrase nounOrConjunction elemType}";
      descriptionClass = "conjunction";
      check = x: x == null || elemType.check x;
      # Without nulls, the element type's answer; all nulls are null. Mixed definitions
      # still throw from here (nixpkgs reports them as a head error).
      merge = mkMergeV2 (
        { loc, defs }:
        let
          nrNulls = lib.count (def: def.value == null) defs;
        in
        if nrNulls == 0 then
          mergeV2Of elemType loc defs
        else if nrNulls == length defs || length defs == 1 then
          {
            headError = null;
            value = null;
          }
        else
          throw "The option `${showOption loc}` is defined both null and not null, in ${showFiles (getFiles defs)}."
      );
      emptyValue = {
        value = null;
      };
      getSubOptions = elemType.getSubOptions;
      nestedTypes.elemType = elemType;
    };

  either =
    t1: t2:
    mkOptionType {
      name = "either";
      description =
        "${optionDescriptionPhrase nounOrConjunction t1} or ${
          optionDescriptionPhrase (class: nounOrConjunction class || class == "composite") t2
        }";
      descriptionClass = "conjunction";
      check = x: t1.check x || t2.check x;
      # The first type whose merge reports no head error wins, as in nixpkgs.
      merge = mkMergeV2 (
        { loc, defs }:
        let
          first = mergeV2Of t1 loc defs;
          second = mergeV2Of t2 loc defs;
        in
        if first.headError == null then
          first
        else if second.headError == null then
          second
        else
          {
            headError.message = "The option `${showOption loc}` is neither a value of type `${t1.description}` nor `${t2.description}`, Definition values: ${showDefs defs}";
            value = mergeOneOption loc defs;
          }
      );
      nestedTypes = {
        left = t1;
        right = t2;
      };
    };

  oneOf =
    ts:
    let
      head' =
        if ts == [ ] then throw "types.oneOf needs to get at least one type in its argument" else head ts;
    in
    foldl' either head' (tail ts);

  uniq = elemType: elemType // { merge = mergeOneOption; };
  unique =
    { message }:
    elemType:
    elemType // { merge = lib.options.mergeUniqueOption { inherit message; }; };

  # On a type with a v2 merge the added check also decides the head error, as in nixpkgs.
  addCheck =
    elemType: check:
    let
      checked = x: elemType.check x && check x;
    in
    elemType
    // {
      check = checked;
    }
    // lib.optionalAttrs (elemType.merge ? v2) {
      merge = mkMergeV2 (
        { loc, defs }:
        let
          merged = elemType.merge.v2 { inherit loc defs; };
        in
        merged
        // {
          headError = if merged.headError != null then merged.headError else checkDefsForError checked loc defs;
        }
      );
    };

  # As nixpkgs: only noun types go unparenthesized here, so NixOS's `attrNamesToTrue` reads
  # "(attribute set of boolean) or (list of string) convertible to it".
  coercedTo =
    coercedType: coerceFunc: finalType:
    mkOptionType {
      name = "coercedTo";
      description = "${optionDescriptionPhrase (class: class == "noun") finalType} or ${
        optionDescriptionPhrase (class: class == "noun") coercedType
      } convertible to it";
      check = x: (coercedType.check x && finalType.check (coerceFunc x)) || finalType.check x;
      # Each definition the coerced type accepts is converted, then the final type merges.
      merge = mkMergeV2 (
        { loc, defs }:
        mergeV2Of finalType loc (
          map (
            def:
            def
            // {
              value =
                if (mergeV2Of coercedType loc [ def ]).headError == null then coerceFunc def.value else def.value;
            }
          ) defs
        )
      );
      inherit (finalType) emptyValue getSubOptions;
      nestedTypes = {
        inherit coercedType finalType;
      };
    };

  functionTo =
    elemType:
    mkOptionType {
      name = "functionTo";
      description = "function that evaluates to a(n) ${optionDescriptionPhrase nounOrComposite elemType}";
      descriptionClass = "composite";
      check = lib.isFunction;
      merge =
        loc: defs: fnArgs:
        (mergeDefinitions (loc ++ [ "<function body>" ]) elemType (
          map (fn: {
            inherit (fn) file;
            value = fn.value fnArgs;
          }) defs
        )).mergedValue;
      nestedTypes.elemType = elemType;
    };

  submodule =
    modules:
    submoduleWith {
      shorthandOnlyDefinesConfig = true;
      modules = lib.toList modules;
    };

  submoduleWith =
    {
      modules,
      specialArgs ? { },
      shorthandOnlyDefinesConfig ? false,
      description ? null,
      class ? null,
    }:
    let
      # A definition is a module; with `shorthandOnlyDefinesConfig` an attribute
      # set is only ever configuration (as `fileSystems."/" = { ... }` is).
      defModules = map (
        { value, file }:
        if isAttrs value && shorthandOnlyDefinesConfig then
          {
            _file = file;
            config = value;
          }
        else
          {
            _file = file;
            imports = [ value ];
          }
      );
      evalFor =
        loc: defs:
        evalModules {
          inherit specialArgs class;
          prefix = loc;
          modules = [
            { _module.args.name = lib.mkOptionDefault (lib.last loc); }
          ]
          ++ modules
          ++ defModules defs;
        };
    in
    mkOptionType {
      name = "submodule";
      description = if description != null then description else "submodule";
      check = x: isAttrs x || lib.isFunction x || path.check x;
      merge = mkMergeV2 (
        { loc, defs }:
        {
          headError = checkDefsForError (x: isAttrs x || lib.isFunction x || path.check x) loc defs;
          value = (evalFor loc defs).config;
        }
      );
      emptyValue = {
        value = { };
      };
      getSubOptions = prefix: (evalFor prefix [ ]).options;
    }
    # Kept so that two declarations of one submodule option can be combined.
    // {
      submodule = {
        inherit
          modules
          specialArgs
          shorthandOnlyDefinesConfig
          class
          ;
      };
    };
}
