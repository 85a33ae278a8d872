# Stand-in for nixpkgs' pkgs/stdenv/generic/setup.sh: the generic builder's phases and the
# helpers that the guide's packages use, run with the host's compiler and tools (the stand-in
# has no bootstrap toolchain of its own). Sourced by default-builder.sh under `bash -e`.
set -o pipefail

# PATH: the inputs' bin directories first, as in nixpkgs, then the host's tools.
PATH=
for input in ${nativeBuildInputs:-} ${buildInputs:-} ${propagatedNativeBuildInputs:-} ${propagatedBuildInputs:-}; do
  if [ -d "$input/bin" ]; then PATH="${PATH:+$PATH:}$input/bin"; fi
done
PATH="${PATH:+$PATH:}/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"
export PATH

# As nixpkgs: no home, a fixed time and locale, and a core count from Nix (0 means all).
export HOME=/homeless-shelter
export TZ=UTC
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-315532800}"
if [ "${NIX_BUILD_CORES:-0}" -le 0 ]; then NIX_BUILD_CORES="$(nproc)"; fi
export NIX_BUILD_CORES
SHELL=/bin/bash

# runHook NAME: runs the shell code in the variable NAME, or the function NAME.
runHook() {
  local hook="$1"
  shift
  if declare -F "$hook" >/dev/null; then
    "$hook" "$@"
  elif [ -n "${!hook:-}" ]; then
    eval "${!hook}"
  fi
  return 0
}

# substituteInPlace FILE... --replace-fail OLD NEW | --replace-warn OLD NEW | --replace-quiet OLD NEW
#   | --replace OLD NEW (deprecated, warns) | --subst-var NAME | --subst-var-by NAME VALUE
substituteInPlace() {
  local files=()
  while [ "$#" -gt 0 ] && [ "${1#--}" = "$1" ]; do
    files+=("$1")
    shift
  done
  local file
  for file in "${files[@]}"; do
    substitute "$file" "$file" "$@"
  done
}

substitute() {
  local input="$1" output="$2"
  shift 2
  if [ ! -f "$input" ]; then
    echo "substitute(): ERROR: file '$input' does not exist" >&2
    return 1
  fi
  local content
  content="$(cat "$input"; printf x)"
  content="${content%x}"
  while [ "$#" -gt 0 ]; do
    local mode="$1" pattern replacement
    case "$mode" in
      --replace-fail | --replace-warn | --replace-quiet | --replace)
        pattern="$2"
        replacement="$3"
        shift 3
        if [ "$mode" = --replace ]; then
          echo "substitute(): WARNING: '--replace' is deprecated, use --replace-{fail,warn,quiet}. ($input)" >&2
        fi
        local before="$content"
        content="${content//"$pattern"/"$replacement"}"
        if [ "$before" = "$content" ]; then
          case "$mode" in
            --replace-fail)
              echo "substitute(): ERROR: pattern '$pattern' doesn't match anything in file '$input'" >&2
              return 1
              ;;
            --replace-warn | --replace)
              echo "substitute(): WARNING: pattern '$pattern' doesn't match anything in file '$input'" >&2
              ;;
          esac
        fi
        ;;
      --subst-var)
        content="${content//"@$2@"/"${!2}"}"
        shift 2
        ;;
      --subst-var-by)
        content="${content//"@$2@"/"$3"}"
        shift 3
        ;;
      *)
        echo "substitute(): ERROR: invalid argument '$mode'" >&2
        return 1
        ;;
    esac
  done
  printf '%s' "$content" >"$output.tmp"
  if [ -x "$input" ]; then chmod +x "$output.tmp"; fi
  mv "$output.tmp" "$output"
}

stripHash() {
  local name
  name="$(basename "$1")"
  if [[ "$name" =~ ^[0-9a-z]{32}- ]]; then name="${name:33}"; fi
  echo "$name"
}

unpackFile() {
  local file="$1"
  echo "unpacking source archive $file"
  if [ -d "$file" ]; then
    cp -r --preserve=mode,timestamps -- "$file" "$(stripHash "$file")"
  else
    case "$file" in
      *.tar | *.tar.* | *.tgz | *.tbz2 | *.txz) tar xf "$file" --warning=no-timestamp ;;
      *)
        echo "do not know how to unpack source archive $file" >&2
        return 1
        ;;
    esac
  fi
}

unpackPhase() {
  runHook preUnpack
  if [ -z "${srcs:-}" ]; then
    if [ -z "${src:-}" ]; then
      echo 'variable $src or $srcs should point to the source' >&2
      return 1
    fi
    srcs="$src"
  fi
  local before
  before="$(ls -A)"
  for s in $srcs; do unpackFile "$s"; done
  if [ -z "${sourceRoot:-}" ]; then
    local dirs
    dirs="$(comm -13 <(echo "$before") <(ls -A) | while read -r d; do [ -d "$d" ] && echo "$d"; done)"
    if [ -z "$dirs" ]; then
      echo "unpacker produced no directory" >&2
      return 1
    elif [ "$(echo "$dirs" | wc -l)" -gt 1 ]; then
      echo "unpacker produced multiple directories" >&2
      return 1
    fi
    sourceRoot="$dirs"
  fi
  echo "source root is $sourceRoot"
  chmod -R u+w -- "$sourceRoot"
  runHook postUnpack
}

patchPhase() {
  runHook prePatch
  local p
  for p in ${patches:-}; do
    echo "applying patch $p"
    case "$p" in
      *.gz) gzip -dc "$p" | patch ${patchFlags:--p1} ;;
      *.xz) xz -dc "$p" | patch ${patchFlags:--p1} ;;
      *) patch ${patchFlags:--p1} <"$p" ;;
    esac
  done
  runHook postPatch
}

configurePhase() {
  runHook preConfigure
  if [ -z "${dontConfigure:-}" ] && [ -x ./configure ]; then
    ./configure --prefix="$out" ${configureFlags:-}
  fi
  runHook postConfigure
}

hasMakefile() {
  [ -n "${makefile:-}" ] || [ -e Makefile ] || [ -e makefile ] || [ -e GNUmakefile ]
}

makeWith() {
  make ${makefile:+-f "$makefile"} ${enableParallelBuilding:+-j"$NIX_BUILD_CORES"} SHELL="$SHELL" \
    ${makeFlags:-} "${makeFlagsArray[@]}" "$@"
}

buildPhase() {
  runHook preBuild
  if hasMakefile; then
    makeWith ${buildFlags:-} "${buildFlagsArray[@]}"
  else
    echo "no Makefile or custom buildPhase, doing nothing"
  fi
  runHook postBuild
}

checkPhase() {
  runHook preCheck
  makeWith ${checkFlags:-} ${checkTarget:-check}
  runHook postCheck
}

installPhase() {
  runHook preInstall
  if ! hasMakefile; then
    echo "no Makefile or custom installPhase, doing nothing"
  else
    makeWith ${installFlags:-} ${installTargets:-install}
  fi
  runHook postInstall
}

fixupPhase() {
  runHook preFixup
  runHook postFixup
}

genericBuild() {
  declare -a makeFlagsArray buildFlagsArray
  if [ -n "${buildCommandPath:-}" ]; then
    eval "$(cat "$buildCommandPath")"
    return
  elif [ -n "${buildCommand:-}" ]; then
    eval "$buildCommand"
    return
  fi
  local phases="${phases:-unpackPhase patchPhase configurePhase buildPhase checkPhase installPhase fixupPhase}"
  local phase skip
  for phase in $phases; do
    case "$phase" in
      unpackPhase) skip="${dontUnpack:-}" ;;
      patchPhase) skip="${dontPatch:-}" ;;
      configurePhase) skip="${dontConfigure:-}" ;;
      buildPhase) skip="${dontBuild:-}" ;;
      checkPhase) [ -n "${doCheck:-}" ] && skip= || skip=1 ;;
      installPhase) skip="${dontInstall:-}" ;;
      fixupPhase) skip="${dontFixup:-}" ;;
      *) skip= ;;
    esac
    [ -z "$skip" ] || continue
    echo "Running phase: $phase"
    eval "${!phase:-$phase}"
    if [ "$phase" = unpackPhase ]; then cd -- "$sourceRoot"; fi
  done
}
