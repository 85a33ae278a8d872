# Stand-in for nixpkgs' lib/strings.nix: string helpers, version comparison,
# Nix-syntax escaping and the edit distance used for "did you mean" hints.
{ lib }:
let
  inherit (builtins)
    concatStringsSep
    elemAt
    filter
    foldl'
    genList
    head
    isList
    isString
    length
    stringLength
    substring
    ;
  # Not a name of nixpkgs' lib.strings: the words escapeNixIdentifier quotes.
  nixKeywords = [
    "assert"
    "else"
    "if"
    "in"
    "inherit"
    "let"
    "or"
    "rec"
    "then"
    "with"
  ];
in
rec {
  inherit (builtins)
    concatStringsSep
    isString
    replaceStrings
    stringLength
    substring
    ;

  concatStrings = concatStringsSep "";
  concatMapStrings = f: list: concatStrings (map f list);
  concatMapStringsSep =
    sep: f: list:
    concatStringsSep sep (map f list);
  concatLines = list: concatStrings (map (s: s + "\n") list);

  optionalString = cond: string: if cond then string else "";

  hasPrefix = pref: str: substring 0 (stringLength pref) str == pref;
  hasSuffix =
    suffix: content:
    let
      lenContent = stringLength content;
      lenSuffix = stringLength suffix;
    in
    lenContent >= lenSuffix && substring (lenContent - lenSuffix) lenContent content == suffix;
  hasInfix = infix: content: builtins.match ".*${escapeRegex infix}.*" "${content}" != null;

  removePrefix =
    prefix: str:
    if hasPrefix prefix str then substring (stringLength prefix) (stringLength str) str else str;
  removeSuffix =
    suffix: str:
    if hasSuffix suffix str then substring 0 (stringLength str - stringLength suffix) str else str;

  stringToCharacters = s: genList (p: substring p 1 s) (stringLength s);

  splitString =
    sep: s:
    filter isString (builtins.split (escapeRegex (toString sep)) (toString s));

  escapeRegex = escape (stringToCharacters "\\[{()^$?*+|.");

  escape = list: replaceStrings list (map (c: "\\${c}") list);

  escapeShellArg = arg: "'${replaceStrings [ "'" ] [ "'\\''" ] (toString arg)}'";
  escapeShellArgs = concatMapStringsSep " " escapeShellArg;

  escapeNixString = s: escape [ "$" ] (builtins.toJSON s);

  escapeNixIdentifier =
    s:
    if builtins.match "[a-zA-Z_][a-zA-Z0-9_'-]*" s != null && !builtins.elem s nixKeywords then
      s
    else
      escapeNixString s;

  toUpper = replaceStrings lowerChars upperChars;
  toLower = replaceStrings upperChars lowerChars;
  lowerChars = stringToCharacters "abcdefghijklmnopqrstuvwxyz";
  upperChars = stringToCharacters "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

  versionOlder = v1: v2: builtins.compareVersions v2 v1 == 1;
  versionAtLeast = v1: v2: !versionOlder v1 v2;

  getName =
    x:
    let
      parse = drv: (builtins.parseDrvName drv).name;
    in
    if isString x then parse x else x.pname or (parse x.name);

  getVersion =
    x:
    let
      parse = drv: (builtins.parseDrvName drv).version;
    in
    if isString x then parse x else x.version or (parse x.name);

  isStringLike = x: isString x || builtins.isPath x || x ? outPath || x ? __toString;

  isStorePath =
    x:
    if isStringLike x then
      let
        str = toString x;
      in
      substring 0 1 str == "/" && dirOf str == builtins.storeDir
    else
      false;

  makeSearchPath =
    subDir: paths:
    concatStringsSep ":" (map (path: "${path}/${subDir}") (filter (x: x != null) paths));
  makeBinPath = makeSearchPath "bin";

  fileContents = file: removeSuffix "\n" (builtins.readFile file);

  # Edit distance between two strings, one row of the table at a time.
  levenshtein =
    a: b:
    let
      bs = stringToCharacters b;
      lb = length bs;
      nextRow =
        prev: ca:
        foldl' (
          row: j:
          let
            deletion = elemAt prev (j + 1) + 1;
            insertion = elemAt row j + 1;
            substitution = elemAt prev j + (if ca == elemAt bs j then 0 else 1);
          in
          row ++ [ (lib.min deletion (lib.min insertion substitution)) ]
        ) [ (head prev + 1) ] (genList (j: j) lb);
      lastRow = foldl' nextRow (genList (j: j) (lb + 1)) (stringToCharacters a);
    in
    elemAt lastRow lb;

  levenshteinAtMost =
    k: a: b:
    let
      diff = stringLength a - stringLength b;
    in
    (if diff < 0 then -diff else diff) <= k && levenshtein a b <= k;
}
