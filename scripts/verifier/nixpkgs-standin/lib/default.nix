# Stand-in for nixpkgs' lib/default.nix: assembles the library from its parts and
# brings the commonly used names to the top level, as `lib.foo` and `lib.<part>.foo`.
# Only names that nixpkgs' lib/default.nix also brings to the top level are here: a name
# nixpkgs keeps in its part (`lib.trivial.release`, `lib.meta.availableOn`,
# `lib.strings.escapeNixIdentifier`, ...) is only reachable there, so a snippet that uses
# it at the top level fails here as it fails with nixpkgs.
let
  fixedPoints = import ./fixed-points.nix { lib = null; };

  lib = fixedPoints.makeExtensible (
    self:
    let
      callLibs = file: import file { lib = self; };
    in
    {
      trivial = callLibs ./trivial.nix;
      asserts = callLibs ./asserts.nix;
      fixedPoints = callLibs ./fixed-points.nix;
      attrsets = callLibs ./attrsets.nix;
      lists = callLibs ./lists.nix;
      strings = callLibs ./strings.nix;
      versions = callLibs ./versions.nix;
      customisation = callLibs ./customisation.nix;
      filesystem = callLibs ./filesystem.nix;
      path = callLibs ./path.nix;
      licenses = callLibs ./licenses.nix;
      systems = callLibs ./systems.nix;
      platforms = self.systems.platforms;
      generators = callLibs ./generators.nix;
      options = callLibs ./options.nix;
      types = callLibs ./types.nix;
      modules = callLibs ./modules.nix;
      meta = callLibs ./meta.nix;
      maintainers = { };
      teams = { };

      inherit (builtins)
        addErrorContext
        deepSeq
        genericClosure
        isAttrs
        isBool
        isFloat
        isInt
        isList
        isPath
        pathExists
        readFile
        seq
        trace
        ;

      inherit (self.trivial) version;

      fakeHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
      fakeSha256 = "0000000000000000000000000000000000000000000000000000";

      inherit (self.trivial)
        id
        const
        flip
        pipe
        isFunction
        functionArgs
        setFunctionArgs
        mirrorFunctionArgs
        boolToString
        mergeAttrs
        min
        max
        warn
        warnIf
        throwIf
        throwIfNot
        importJSON
        ;
      inherit (self.asserts) assertMsg;
      inherit (self.types) isType;
      inherit (self.fixedPoints)
        fix
        fix'
        extends
        composeExtensions
        composeManyExtensions
        makeExtensible
        makeExtensibleWithCustomName
        toExtension
        ;
      inherit (self.attrsets)
        attrByPath
        hasAttrByPath
        setAttrByPath
        getAttrFromPath
        attrVals
        attrValues
        attrNames
        catAttrs
        filterAttrs
        filterAttrsRecursive
        foldAttrs
        mapAttrs
        mapAttrs'
        mapAttrsToList
        mapAttrsRecursive
        mapAttrsRecursiveCond
        concatMapAttrs
        genAttrs
        isDerivation
        optionalAttrs
        nameValuePair
        listToAttrs
        recursiveUpdate
        zipAttrsWith
        zipAttrs
        intersectAttrs
        removeAttrs
        getAttr
        hasAttr
        recurseIntoAttrs
        dontRecurseIntoAttrs
        getDev
        getBin
        getLib
        getOutput
        ;
      inherit (self.lists)
        singleton
        foldr
        foldl
        foldl'
        imap0
        imap1
        concatMap
        concatLists
        flatten
        remove
        findFirst
        any
        all
        count
        optional
        optionals
        toList
        range
        unique
        subtractLists
        intersectLists
        head
        tail
        last
        init
        take
        drop
        elem
        elemAt
        length
        filter
        reverseList
        sort
        sortOn
        genList
        partition
        groupBy
        zipListsWith
        ;
      inherit (self.strings)
        concatStrings
        concatMapStrings
        concatStringsSep
        concatMapStringsSep
        concatLines
        optionalString
        hasPrefix
        hasSuffix
        hasInfix
        removePrefix
        removeSuffix
        splitString
        stringToCharacters
        versionOlder
        versionAtLeast
        getName
        getVersion
        escape
        escapeShellArg
        escapeShellArgs
        toUpper
        toLower
        replaceStrings
        isString
        isStringLike
        isStorePath
        makeBinPath
        makeSearchPath
        fileContents
        ;
      inherit (self.customisation)
        makeOverridable
        callPackageWith
        callPackagesWith
        makeScope
        extendDerivation
        overrideDerivation
        ;
      inherit (self.filesystem) packagesFromDirectoryRecursive;
      inherit (self.options)
        mkOption
        mkEnableOption
        mkPackageOption
        isOption
        showOption
        literalExpression
        literalMD
        mergeEqualOption
        mergeOneOption
        mergeDefaultOption
        getValues
        getFiles
        ;
      inherit (self.modules)
        evalModules
        mkIf
        mkMerge
        mkOverride
        mkOptionDefault
        mkDefault
        mkForce
        mkVMOverride
        mkOrder
        mkBefore
        mkAfter
        setDefaultModuleLocation
        ;
      inherit (self.types) mkOptionType;
      inherit (self.meta) getExe;
    }
  );
in
lib
