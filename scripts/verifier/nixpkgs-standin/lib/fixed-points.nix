# Stand-in for nixpkgs' lib/fixed-points.nix: fixed points and extensions
# (`final: prev:` overlays), the machinery behind overlays and `makeExtensible`.
# Takes no library functions, so lib/default.nix can build the library with it.
{ lib }:
rec {
  fix =
    f:
    let
      x = f x;
    in
    x;

  fix' =
    f:
    let
      x = f x // {
        __unfix__ = f;
      };
    in
    x;

  # Apply the overlay `f` on top of `rattrs`: `f` sees the final result and the
  # result of `rattrs`.
  extends =
    f: rattrs: final:
    let
      prev = rattrs final;
    in
    prev // f final prev;

  composeExtensions =
    f: g: final: prev:
    let
      fApplied = f final prev;
      prev' = prev // fApplied;
    in
    fApplied // g final prev';

  composeManyExtensions = builtins.foldl' composeExtensions (final: prev: { });

  # Turns an attribute set, a one-argument function or an overlay into an overlay. As in
  # nixpkgs, only callers that ask for it (`toExtension`) accept the first two forms.
  toExtension =
    f:
    if builtins.isFunction f then
      final: prev:
      let
        fPrev = f prev;
      in
      if builtins.isFunction fPrev then f final prev else fPrev
    else
      final: prev: f;

  makeExtensible = makeExtensibleWithCustomName "extend";

  # As nixpkgs' lib/fixed-points.nix: `.extend` takes an overlay `final: prev: { ... }` and
  # calls it with both arguments, without `toExtension`. An attribute set or a one-argument
  # function therefore fails with Nix's own "attempt to call something which is not a
  # function but a set", and `.extend` rebuilds the set from `rattrs`, so attributes added
  # to the result with `//` are gone from the extended set.
  # The set has no `__unfix__`: nixpkgs 26.05's lib has none at the top level (recorded in
  # test/fixtures/nixpkgs-lib/names.json).
  makeExtensibleWithCustomName =
    extenderName: rattrs:
    fix (
      self:
      rattrs self
      // {
        ${extenderName} = f: makeExtensibleWithCustomName extenderName (extends f rattrs);
      }
    );
}
