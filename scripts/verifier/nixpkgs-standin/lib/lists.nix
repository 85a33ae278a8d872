# Stand-in for nixpkgs' lib/lists.nix: the list helpers the guide and the rest
# of the stand-in use.
{ lib }:
let
  inherit (builtins)
    concatLists
    concatMap
    elemAt
    filter
    foldl'
    genList
    head
    isList
    length
    ;
in
rec {
  inherit (builtins)
    all
    any
    concatLists
    concatMap
    elem
    elemAt
    filter
    foldl'
    genList
    head
    length
    partition
    sort
    tail
    ;
  groupBy = builtins.groupBy;

  singleton = x: [ x ];

  foldr =
    op: nul: list:
    let
      len = length list;
      fold' = n: if n == len then nul else op (elemAt list n) (fold' (n + 1));
    in
    fold' 0;

  foldl =
    op: nul: list:
    foldl' op nul list;

  imap0 = f: list: genList (n: f n (elemAt list n)) (length list);
  imap1 = f: list: genList (n: f (n + 1) (elemAt list n)) (length list);

  flatten = x: if isList x then concatMap flatten x else [ x ];

  remove = e: filter (x: x != e);

  findFirst =
    pred: default: list:
    let
      found = filter pred list;
    in
    if found == [ ] then default else head found;

  count = pred: foldl' (c: x: if pred x then c + 1 else c) 0;

  optional = cond: elem: if cond then [ elem ] else [ ];
  optionals = cond: elems: if cond then elems else [ ];

  toList = x: if isList x then x else [ x ];

  range = first: last: if first > last then [ ] else genList (n: first + n) (last - first + 1);

  unique = foldl' (acc: e: if builtins.elem e acc then acc else acc ++ [ e ]) [ ];

  subtractLists = e: filter (x: !(builtins.elem x e));
  intersectLists = e: filter (x: builtins.elem x e);

  last =
    list:
    assert lib.assertMsg (list != [ ]) "lists.last: list must not be empty!";
    elemAt list (length list - 1);

  init =
    list:
    assert lib.assertMsg (list != [ ]) "lists.init: list must not be empty!";
    take (length list - 1) list;

  take = count: sublist 0 count;
  drop = count: list: sublist count (length list) list;

  sublist =
    start: count: list:
    let
      len = length list;
    in
    genList (n: elemAt list (n + start)) (
      if start >= len then
        0
      else if start + count > len then
        len - start
      else
        count
    );

  reverseList =
    xs:
    let
      l = length xs;
    in
    genList (n: elemAt xs (l - n - 1)) l;

  sortOn =
    f: list:
    map (p: p.value) (
      builtins.sort (a: b: a.key < b.key) (
        map (x: {
          key = f x;
          value = x;
        }) list
      )
    );

  zipListsWith =
    f: fst: snd:
    genList (n: f (elemAt fst n) (elemAt snd n)) (lib.min (length fst) (length snd));
}
