# Stand-in for nixpkgs' lib/trivial.nix: small helpers, and the release names,
# which say plainly that this is the stand-in and not a nixpkgs release.
{ lib }:
rec {
  id = x: x;
  const = x: _: x;
  flip =
    f: a: b:
    f b a;
  pipe = builtins.foldl' (x: f: f x);

  min = a: b: if a < b then a else b;
  max = a: b: if a > b then a else b;
  boolToString = b: if b then "true" else "false";
  mergeAttrs = x: y: x // y;

  # nixpkgs' release is "YY.MM"; the suffix keeps the stand-in recognisable.
  release = "26.05-standin";
  version = release;
  codeName = "Standin";
  isInOldestRelease = _: true;

  importJSON = path: builtins.fromJSON (builtins.readFile path);

  isFunction = f: builtins.isFunction f || (f ? __functor && isFunction (f.__functor f));

  functionArgs =
    f:
    if f ? __functor then
      f.__functionArgs or (functionArgs (f.__functor f))
    else
      builtins.functionArgs f;

  setFunctionArgs = f: args: {
    __functor = self: f;
    __functionArgs = args;
  };

  mirrorFunctionArgs =
    f:
    let
      fArgs = functionArgs f;
    in
    g: setFunctionArgs g fArgs;

  # Nix 2.8 has no builtins.warn: trace, as nixpkgs' lib.warn does without it.
  warn = msg: builtins.trace "evaluation warning: ${msg}";
  warnIf = cond: msg: if cond then warn msg else x: x;

  throwIf = cond: msg: if cond then throw msg else x: x;
  throwIfNot = cond: msg: if cond then x: x else throw msg;
}
