# Stand-in for nixpkgs' lib/asserts.nix: assertions with a message.
{ lib }:
{
  assertMsg = pred: msg: pred || throw msg;
}
