# Stand-in for nixpkgs' pkgs/build-support/buildenv/builder.pl: merges the trees of `paths` into
# $out with symbolic links. A path only one package has is linked as a whole (a directory
# too); a directory several have is made for real and merged entry by entry. Two different
# files at one path are a collision, which fails the build with nixpkgs' words, unless
# `ignoreCollisions` is set; with `checkCollisionContents` (the default) two files with the
# same contents are not.

# merge REL TARGET: puts TARGET at $out/REL.
merge() {
  local rel="$1" target="$2" dest="$out$1" old entry
  if [ ! -e "$dest" ] && [ ! -L "$dest" ]; then
    ln -s "$target" "$dest"
    return
  fi
  if [ -d "$target" ] && [ -d "$dest" ]; then
    if [ -L "$dest" ]; then
      # The first package's directory, linked whole so far: made a directory of its entries.
      old="$(readlink "$dest")"
      rm "$dest"
      mkdir "$dest"
      for entry in "$old"/* "$old"/.[!.]*; do
        if [ -e "$entry" ] || [ -L "$entry" ]; then ln -s "$entry" "$dest/${entry##*/}"; fi
      done
    fi
    for entry in "$target"/* "$target"/.[!.]*; do
      if [ -e "$entry" ] || [ -L "$entry" ]; then merge "$rel/${entry##*/}" "$entry"; fi
    done
    return
  fi
  old="$(readlink "$dest")"
  if [ "$(realpath -m "$old")" = "$(realpath -m "$target")" ]; then return; fi
  if [ "$ignoreCollisions" = 1 ]; then return; fi
  if [ "$checkCollisionContents" = 1 ] && [ -f "$old" ] && [ -f "$target" ] && cmp -s "$old" "$target"; then return; fi
  echo "error: collision between \`$target' and \`$old'" >&2
  exit 1
}

mkdir -p "$out"
for path in $paths; do
  [ -e "$path" ] || continue
  if [ -d "$path" ]; then
    for entry in "$path"/* "$path"/.[!.]*; do
      if [ -e "$entry" ] || [ -L "$entry" ]; then merge "/${entry##*/}" "$entry"; fi
    done
  else
    echo "error: The store path $path is a file and can't be merged into an environment using pkgs.buildEnv!" >&2
    exit 1
  fi
done
eval "$postBuild"
