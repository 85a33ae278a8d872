# As nixpkgs' lib/minver.nix: the oldest Nix this release evaluates on (nixpkgs 25.11 raised it
# to 2.18; see lib/minfeatures.nix there).
"2.18"
