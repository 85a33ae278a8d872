# Stand-in for nixpkgs' lib/attrsets.nix: the attribute-set helpers the guide
# and the rest of the stand-in use.
{ lib }:
let
  inherit (builtins)
    attrNames
    concatMap
    foldl'
    head
    isAttrs
    length
    listToAttrs
    tail
    ;
in
rec {
  inherit (builtins)
    attrNames
    attrValues
    catAttrs
    getAttr
    hasAttr
    intersectAttrs
    listToAttrs
    mapAttrs
    removeAttrs
    zipAttrsWith
    ;

  nameValuePair = name: value: { inherit name value; };

  attrByPath =
    attrPath: default: set:
    if attrPath == [ ] then
      set
    else if isAttrs set && set ? ${head attrPath} then
      attrByPath (tail attrPath) default set.${head attrPath}
    else
      default;

  hasAttrByPath =
    attrPath: set:
    attrPath == [ ]
    || (isAttrs set && set ? ${head attrPath} && hasAttrByPath (tail attrPath) set.${head attrPath});

  setAttrByPath =
    attrPath: value:
    if attrPath == [ ] then value else { ${head attrPath} = setAttrByPath (tail attrPath) value; };

  getAttrFromPath =
    attrPath: set:
    attrByPath attrPath (throw "cannot find attribute `${lib.concatStringsSep "." attrPath}'") set;

  attrVals = nameList: set: map (x: set.${x}) nameList;

  filterAttrs =
    pred: set:
    listToAttrs (
      concatMap (
        name:
        let
          v = set.${name};
        in
        if pred name v then [ (nameValuePair name v) ] else [ ]
      ) (attrNames set)
    );

  filterAttrsRecursive =
    pred: set:
    listToAttrs (
      concatMap (
        name:
        let
          v = set.${name};
        in
        if pred name v then
          [ (nameValuePair name (if isAttrs v then filterAttrsRecursive pred v else v)) ]
        else
          [ ]
      ) (attrNames set)
    );

  foldAttrs =
    op: nul: list_of_attrs:
    foldl' (
      acc: set: foldl' (acc: name: acc // { ${name} = op set.${name} (acc.${name} or nul); }) acc (attrNames set)
    ) { } (lib.reverseList list_of_attrs);

  mapAttrs' = f: set: listToAttrs (map (attr: f attr set.${attr}) (attrNames set));

  mapAttrsToList = f: attrs: map (name: f name attrs.${name}) (attrNames attrs);

  concatMapAttrs = f: v: foldl' (acc: x: acc // x) { } (mapAttrsToList f v);

  mapAttrsRecursive = mapAttrsRecursiveCond (_: true);

  mapAttrsRecursiveCond =
    cond: f: set:
    let
      recurse =
        path:
        builtins.mapAttrs (
          name: value:
          if isAttrs value && cond value then recurse (path ++ [ name ]) value else f (path ++ [ name ]) value
        );
    in
    recurse [ ] set;

  genAttrs = names: f: listToAttrs (map (n: nameValuePair n (f n)) names);

  isDerivation = value: value.type or null == "derivation";

  optionalAttrs = cond: as: if cond then as else { };

  zipAttrs = zipAttrsWith (name: values: values);

  recursiveUpdateUntil =
    pred: lhs: rhs:
    let
      f =
        attrPath:
        zipAttrsWith (
          n: values:
          let
            here = attrPath ++ [ n ];
          in
          if length values == 1 || pred here (lib.elemAt values 1) (head values) then
            head values
          else
            f here values
        );
    in
    f [ ] [
      rhs
      lhs
    ];

  recursiveUpdate = recursiveUpdateUntil (
    path: lhs: rhs:
    !(isAttrs lhs && isAttrs rhs)
  );

  recurseIntoAttrs = attrs: attrs // { recurseForDerivations = true; };
  dontRecurseIntoAttrs = attrs: attrs // { recurseForDerivations = false; };

  getOutput = output: pkg: if !pkg ? outputSpecified || !pkg.outputSpecified then pkg.${output} or pkg.out or pkg else pkg;
  getBin = getOutput "bin";
  getLib = getOutput "lib";
  getDev = getOutput "dev";
}
