# Stand-in for nixpkgs' lib/modules.nix: a small but real module system.
# Modules (paths, functions or attribute sets) are collected through `imports`,
# their option declarations and definitions merged with priorities (mkDefault,
# mkForce), conditions (mkIf) and mkMerge, and definitions of undeclared options
# rejected in NixOS's words, naming the file that made them.
{ lib }:
let
  inherit (builtins)
    addErrorContext
    attrNames
    concatLists
    concatMap
    elem
    filter
    foldl'
    head
    isAttrs
    isBool
    isList
    length
    mapAttrs
    removeAttrs
    ;
  inherit (lib.options) isOption showOption showDefs showFiles;

  defaultOverridePriority = 100;
  defaultOrderPriority = 1000;
  unknownModule = "<unknown-file>";

  # A module in canonical form: { _file, key, disabledModules, imports, options, config }.
  unifyModuleSyntax =
    file: key: m:
    let
      addFreeformType =
        config:
        if m ? freeformType then
          mkMerge [
            config
            { _module.freeformType = m.freeformType; }
          ]
        else
          config;
      structural = [
        "_class"
        "_file"
        "key"
        "disabledModules"
        "imports"
        "freeformType"
      ];
      badAttrs = removeAttrs m (structural ++ [
        "options"
        "config"
        "meta"
      ]);
    in
    if m ? config || m ? options then
      if badAttrs != { } then
        throw "Module `${key}' has an unsupported attribute `${head (attrNames badAttrs)}'. This is caused by introducing a top-level `config' or `options' attribute. Add configuration attributes immediately on the top level instead, or move all of them (namely: ${toString (attrNames badAttrs)}) into the explicit `config' attribute."
      else
        {
          _file = toString (m._file or file);
          _class = m._class or null;
          key = toString (m.key or key);
          disabledModules = m.disabledModules or [ ];
          imports = m.imports or [ ];
          options = m.options or { };
          config = addFreeformType (
            if m ? meta then
              mkMerge [
                (m.config or { })
                { inherit (m) meta; }
              ]
            else
              m.config or { }
          );
        }
    else
      {
        _file = toString (m._file or file);
        _class = m._class or null;
        key = toString (m.key or key);
        disabledModules = m.disabledModules or [ ];
        imports = m.imports or [ ];
        options = { };
        config = addFreeformType (removeAttrs m structural);
      };

  # Call a module function with the arguments it names: specialArgs first, then
  # `config._module.args` (which is where `pkgs` comes from).
  applyModuleArgs =
    key: f:
    args@{ config, ... }:
    let
      context = name: ''while evaluating the module argument `${name}' in "${key}":'';
      extraArgs = mapAttrs (
        name: _: addErrorContext (context name) (args.${name} or config._module.args.${name})
      ) (lib.functionArgs f);
    in
    f (args // extraArgs);

  loadModule =
    args: fallbackFile: fallbackKey: m:
    if lib.isFunction m then
      unifyModuleSyntax fallbackFile fallbackKey (applyModuleArgs fallbackKey m args)
    else if isAttrs m then
      if (m._type or "module") == "module" then
        unifyModuleSyntax fallbackFile fallbackKey m
      else if m._type == "if" || m._type == "override" then
        loadModule args fallbackFile fallbackKey { config = m; }
      else
        throw "Could not load a value as a module, because it is of type ${lib.strings.escapeNixString m._type}, in file ${toString fallbackFile}."
    else if isList m then
      throw "Module imports can't be nested lists. Perhaps you meant to remove one level of lists? Definitions: ${
        showDefs [
          {
            file = fallbackFile;
            value = m;
          }
        ]
      }"
    else
      let
        file = toString m;
        imported = import m;
      in
      unifyModuleSyntax file file (if lib.isFunction imported then applyModuleArgs file imported args else imported);

  # All modules reachable through `imports`, each once (by key), minus disabledModules.
  collectModules =
    class: modulesPath: initialModules: args:
    let
      checkClass =
        m:
        if class == null || m._class == null || m._class == class then
          m
        else
          throw "The module `${m._file}` (class: ${lib.strings.escapeNixString m._class}) cannot be imported into a module evaluation that expects class ${lib.strings.escapeNixString class}.";
      collect =
        parentFile: parentKey: modules:
        lib.imap1 (
          n: x:
          let
            module = checkClass (loadModule args parentFile "${parentKey}:anon-${toString n}" x);
            imported = collect module._file module.key module.imports;
          in
          {
            inherit (module) key;
            inherit module;
            modules = imported;
            disabled = module.disabledModules ++ concatMap (i: i.disabled) imported;
          }
        ) modules;
      structured = collect unknownModule "" initialModules;
      disabledKeys = map (
        m: if builtins.isString m && !lib.hasPrefix "/" m then toString modulesPath + "/" + m else toString (m.key or m)
      ) (concatMap (m: m.disabled) structured);
      keep = filter (m: !elem m.key disabledKeys);
    in
    map (m: m.module) (
      builtins.genericClosure {
        startSet = keep structured;
        operator = m: keep m.modules;
      }
    );

  # Push mkIf/mkMerge/mkOverride on an attribute set down to its attributes.
  pushDownProperties =
    cfg:
    if cfg._type or "" == "merge" then
      concatMap pushDownProperties cfg.contents
    else if cfg._type or "" == "if" then
      map (mapAttrs (n: v: mkIf cfg.condition v)) (pushDownProperties cfg.content)
    else if cfg._type or "" == "override" then
      map (mapAttrs (n: v: mkOverride cfg.priority v)) (pushDownProperties cfg.content)
    else
      [ cfg ];

  # Turn a definition into the list of values it stands for (mkMerge, mkIf).
  dischargeProperties =
    def:
    if def._type or "" == "merge" then
      concatMap dischargeProperties def.contents
    else if def._type or "" == "if" then
      if isBool def.condition then
        if def.condition then dischargeProperties def.content else [ ]
      else
        throw "‘mkIf’ called with a non-Boolean condition"
    else
      [ def ];

  # Keep only the definitions of the highest priority (lowest number).
  filterOverrides' =
    defs:
    let
      getPrio = def: if def.value._type or "" == "override" then def.value.priority else defaultOverridePriority;
      highestPrio = foldl' (prio: def: lib.min (getPrio def) prio) 9999 defs;
      strip = def: if def.value._type or "" == "override" then def // { value = def.value.content; } else def;
    in
    {
      values = concatMap (def: if getPrio def == highestPrio then [ (strip def) ] else [ ]) defs;
      inherit highestPrio;
    };

  sortProperties =
    defs:
    let
      strip =
        def:
        if def.value._type or "" == "order" then
          def
          // {
            value = def.value.content;
            inherit (def.value) priority;
          }
        else
          def;
    in
    builtins.sort (a: b: (a.priority or defaultOrderPriority) < (b.priority or defaultOrderPriority)) (
      map strip defs
    );

  # Merge declarations of one option from several modules (only submodules may be
  # declared more than once; their option modules are combined).
  mergeOptionDecls =
    loc: decls:
    let
      first = head decls;
      opt = first.options;
    in
    if length decls > 1 && !(lib.all (d: (d.options.type.name or null) == "submodule") decls) then
      throw "The option `${showOption loc}' in `${(lib.elemAt decls 1)._file}' is already declared in ${showFiles [ first._file ]}."
    else
      opt
      // {
        type = opt.type or lib.types.unspecified;
        declarations = map (d: d._file) decls;
        inherit loc;
      }
      // lib.optionalAttrs (length decls > 1) {
        type = lib.types.submoduleWith (
          opt.type.submodule // { modules = concatMap (d: d.options.type.submodule.modules) decls; }
        );
      };

  evalOptionValue =
    loc: opt: defs:
    let
      defs' =
        lib.optional (opt ? default) {
          file = head opt.declarations;
          value = mkOptionDefault opt.default;
        }
        ++ defs;
      res =
        if opt.readOnly or false && length defs > 1 then
          throw "The option `${showOption loc}' is read-only, but it's set multiple times. Definition values:${showDefs defs}"
        else
          lib.modules.mergeDefinitions loc opt.type defs';
      value = if opt.apply or null != null then opt.apply res.mergedValue else res.mergedValue;
    in
    opt
    // {
      value = addErrorContext "while evaluating the option `${showOption loc}':" value;
      inherit (res.defsFinal') highestPrio;
      definitions = map (def: def.value) res.defsFinal;
      files = map (def: def.file) res.defsFinal;
      definitionsWithLocations = res.defsFinal;
      inherit (res) isDefined;
      __toString = _: showOption loc;
    };

  mergeModules =
    prefix: modules:
    mergeModules' prefix modules (
      concatMap (
        m:
        map (config: {
          file = m._file;
          inherit config;
        }) (pushDownProperties m.config)
      ) modules
    );

  mergeModules' =
    prefix: modules: configs:
    let
      byName =
        attr: f: modules:
        builtins.zipAttrsWith (n: concatLists) (
          map (
            module:
            let
              subtree = module.${attr};
            in
            if !isAttrs subtree then
              throw ''
                You're trying to declare a value of type `${builtins.typeOf subtree}'
                rather than an attribute set for the option
                `${builtins.concatStringsSep "." prefix}'!

                This usually happens if `${builtins.concatStringsSep "." prefix}' has option
                definitions inside that are not matched. Please check how to properly define
                this option by e.g. referring to `man 5 configuration.nix'!
              ''
            else
              mapAttrs (n: f module) subtree
          ) modules
        );
      declsByName = byName "options" (module: option: [
        {
          inherit (module) _file;
          options = option;
        }
      ]) modules;
      defnsByName = byName "config" (
        module: value:
        map (config: {
          inherit (module) file;
          inherit config;
        }) (pushDownProperties value)
      ) configs;
      defnsByName' = byName "config" (module: value: [
        {
          inherit (module) file;
          inherit value;
        }
      ]) configs;

      resultsByName = mapAttrs (
        name: decls:
        let
          loc = prefix ++ [ name ];
          defns = defnsByName.${name} or [ ];
          defns' = defnsByName'.${name} or [ ];
          nrOptions = lib.count (m: isOption m.options) decls;
        in
        if nrOptions == length decls then
          {
            matchedOptions = evalOptionValue loc (mergeOptionDecls loc decls) defns';
            unmatchedDefns = [ ];
          }
        else if nrOptions != 0 then
          let
            firstOption = lib.findFirst (m: isOption m.options) "" decls;
            firstNonOption = lib.findFirst (m: !isOption m.options) "" decls;
          in
          throw "The option `${showOption loc}' in `${firstOption._file}' is a prefix of options in `${firstNonOption._file}'."
        else
          mergeModules' loc decls defns
      ) declsByName;

      matchedOptions = mapAttrs (n: v: v.matchedOptions) resultsByName;
      unmatchedDefnsByName =
        mapAttrs (n: v: v.unmatchedDefns) resultsByName // removeAttrs defnsByName' (attrNames matchedOptions);
    in
    {
      inherit matchedOptions;
      unmatchedDefns = concatLists (
        lib.mapAttrsToList (
          name: defs: map (def: def // { prefix = [ name ] ++ (def.prefix or [ ]); }) defs
        ) unmatchedDefnsByName
      );
    };

  mkOverride = priority: content: {
    _type = "override";
    inherit priority content;
  };
  mkIf = condition: content: {
    _type = "if";
    inherit condition content;
  };
  mkMerge = contents: {
    _type = "merge";
    inherit contents;
  };
  mkOptionDefault = mkOverride 1500;
  mkDefault = mkOverride 1000;

  # The "The option `…' does not exist" error, with nixpkgs' "Did you mean" hint
  # over the sibling options.
  unknownOptionError =
    prefix: options: firstDef:
    let
      optText = showOption (prefix ++ firstDef.prefix);
      defText = addErrorContext "while evaluating the error message for definitions for `${optText}', which is an option that does not exist" (
        addErrorContext "while evaluating a definition from `${firstDef.file}'" (showDefs [ firstDef ])
      );
      parent = lib.init firstDef.prefix;
      siblings = attrNames (lib.attrByPath parent { } options);
      candidates = if parent == [ ] then lib.remove "_module" siblings else siblings;
      invalidName = lib.last firstDef.prefix;
      suggestions =
        if length candidates < 100 then
          lib.take 3 (lib.sortOn (lib.strings.levenshtein invalidName) candidates)
        else
          lib.take 3 (
            lib.sortOn (lib.strings.levenshtein invalidName) (
              filter (lib.strings.levenshteinAtMost 2 invalidName) candidates
            )
          );
      showSuggestion = s: "`${showOption (prefix ++ parent ++ [ s ])}'";
      suggestion =
        if suggestions == [ ] then
          ""
        else if length suggestions == 1 then
          "\n\nDid you mean ${showSuggestion (head suggestions)}?"
        else
          "\n\nDid you mean ${lib.concatMapStringsSep ", " showSuggestion (lib.init suggestions)} or ${
            showSuggestion (lib.last suggestions)
          }?";
      baseMsg = "The option `${optText}' does not exist. Definition values:${defText}${suggestion}";
    in
    if attrNames options == [ "_module" ] then
      if showOption prefix == "" then
        throw ''
          ${baseMsg}

          It seems as if you're trying to declare an option by placing it into `config' rather than `options'!
        ''
      else
        throw ''
          ${baseMsg}

          However there are no options defined in `${showOption prefix}'. Are you sure you've
          declared your options properly? This can happen if you e.g. declared your options in `types.submodule'
          under `config' rather than `options'.
        ''
    else
      throw baseMsg;
in
{
  inherit
    pushDownProperties
    dischargeProperties
    mkOverride
    mkIf
    mkMerge
    mkOptionDefault
    mkDefault
    defaultOverridePriority
    ;

  mkForce = mkOverride 50;
  mkVMOverride = mkOverride 10;
  mkImageMediaOverride = mkOverride 60;

  mkOrder = priority: content: {
    _type = "order";
    inherit priority content;
  };
  mkBefore = content: {
    _type = "order";
    priority = 500;
    inherit content;
  };
  mkAfter = content: {
    _type = "order";
    priority = 1500;
    inherit content;
  };

  setDefaultModuleLocation = file: m: {
    _file = file;
    imports = [ m ];
  };

  # Merge the definitions of one option of type `type` at `loc`.
  mergeDefinitions = loc: type: defs: rec {
    defsFinal' =
      let
        discharged = concatMap (
          m:
          map (value: {
            inherit (m) file;
            inherit value;
          }) (addErrorContext "while evaluating definitions from `${m.file}':" (dischargeProperties m.value))
        ) defs;
        filtered = filterOverrides' discharged;
        ordered =
          if lib.any (def: def.value._type or "" == "order") filtered.values then
            sortProperties filtered.values
          else
            filtered.values;
      in
      {
        values = ordered;
        inherit (filtered) highestPrio;
      };
    defsFinal = defsFinal'.values;
    isDefined = defsFinal != [ ];
    # As nixpkgs' lib/modules.nix (nixos-26.05): a type with a v2 merge reports a wrong
    # definition as a head error, printed after "TypeError: "; other types are checked here.
    checkedAndMerged = type.merge.v2 {
      inherit loc;
      defs = defsFinal;
    };
    mergedValue =
      if isDefined then
        if type.merge ? v2 then
          if checkedAndMerged.headError != null then
            throw "A definition for option `${showOption loc}' is not of type `${type.description}'. TypeError: ${checkedAndMerged.headError.message}"
          else
            checkedAndMerged.value
        else if lib.all (def: type.check def.value) defsFinal then
          type.merge loc defsFinal
        else
          let
            allInvalid = filter (def: !type.check def.value) defsFinal;
          in
          throw "A definition for option `${showOption loc}' is not of type `${type.description}'. Definition values:${showDefs allInvalid}"
      else
        throw "The option `${showOption loc}' was accessed but has no value defined. Try setting the option.";
    optionalValue = if isDefined then { value = mergedValue; } else { };
  };

  evalModules =
    {
      modules,
      prefix ? [ ],
      specialArgs ? { },
      class ? null,
    }:
    let
      internalModule = {
        _file = toString ./modules.nix;
        key = toString ./modules.nix;
        options._module = {
          args = lib.mkOption {
            type = lib.types.lazyAttrsOf lib.types.raw;
            internal = true;
            description = "Arguments passed to each module.";
          };
          check = lib.mkOption {
            type = lib.types.bool;
            internal = true;
            default = true;
            description = "Whether to check whether all option definitions have matching declarations.";
          };
          freeformType = lib.mkOption {
            type = lib.types.nullOr lib.types.raw;
            internal = true;
            default = null;
            description = "Type of the definitions that have no declared option, or null to reject them.";
          };
        };
        config._module.args = { };
      };

      args = {
        inherit lib options config specialArgs;
        _class = class;
        _prefix = prefix;
      } // specialArgs;

      collected = collectModules class (specialArgs.modulesPath or "") (modules ++ [ internalModule ]) args;
      merged = mergeModules prefix (lib.reverseList collected);
      options = merged.matchedOptions;

      config =
        let
          declaredConfig = lib.mapAttrsRecursiveCond (v: !isOption v) (_: v: v.value) options;
          freeformConfig =
            let
              defs = map (def: {
                file = def.file;
                value = lib.setAttrByPath def.prefix def.value;
              }) merged.unmatchedDefns;
            in
            if defs == [ ] then { } else declaredConfig._module.freeformType.merge prefix defs;
        in
        if declaredConfig._module.freeformType == null then
          declaredConfig
        else
          lib.recursiveUpdate freeformConfig declaredConfig;

      checkUnmatched =
        if config._module.check && config._module.freeformType == null && merged.unmatchedDefns != [ ] then
          unknownOptionError prefix options (head merged.unmatchedDefns)
        else
          null;

      checked = builtins.seq checkUnmatched;

      extendModules =
        {
          modules ? [ ],
          specialArgs ? { },
          prefix ? [ ],
        }@extendArgs:
        lib.modules.evalModules {
          modules = collectedModulesArg ++ modules;
          specialArgs = specialArgsArg // specialArgs;
          prefix = extendArgs.prefix or prefixArg;
          inherit class;
        };
      collectedModulesArg = modules;
      specialArgsArg = specialArgs;
      prefixArg = prefix;
    in
    {
      _type = "configuration";
      options = checked options;
      config = checked (removeAttrs config [ "_module" ]);
      _module = checked config._module;
      inherit extendModules class;
      type = lib.types.submoduleWith { inherit modules specialArgs class; };
    };
}
