#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian 12 machine. Run as root (or with sudo).
# Safe to run again: what is there is kept.
#
# - Nix, current: a Nix 2.18 or newer already on the PATH is kept. Otherwise the official
#   installer's, where it answers within seconds; otherwise Debian stable's (trixie's) nix-bin,
#   in a root of its own under /opt/nix-versions, linked into /usr/local/bin, ahead of any older
#   Nix (Debian 12's nix-bin is 2.8, which the pinned nixpkgs refuses). The machine's own apt
#   sources are not touched.
# - The test matrix's other Nix versions, beside it in /opt/nix-versions: sid's (newer) and
#   Debian 12's 2.8 (older than nixpkgs allows; the tests check that the verifier says so).
# - Chromium for the browser tests, and what the offline stand-in builds kernels with: Debian's
#   Linux 6.12 source, the newest linux-source in Debian's archive (downloaded into
#   /var/cache/nix-verify and installed with dpkg, without adding a suite), and kbuild's tools.
# - What the boot level runs systems with: QEMU, busybox, dash, kmod and iasl.
#
# NIX_INSTALLER_URL overrides where the official installer is fetched from; DEBIAN_MIRROR, the
# Debian mirror (default: the one this machine's apt uses).
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  exec sudo "$0" "$@"
fi

export DEBIAN_FRONTEND=noninteractive
installer_url="${NIX_INSTALLER_URL:-https://install.determinate.systems/nix}"
nix_profile=/nix/var/nix/profiles/default/bin
versions=/opt/nix-versions
cache=/var/cache/nix-verify
minimum=2.18

# A Nix the installer put in place earlier, whose profile is not on this shell's PATH.
if ! command -v nix >/dev/null && [ -x "$nix_profile/nix" ]; then
  export PATH="$nix_profile:$PATH"
fi

# The version a `nix --version` line ends with.
nix_version() { "$1" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9]+(\.[0-9]+)?' | tail -n 1; }
at_least() { [ "$(printf '%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]; }
current_nix() {
  local version
  command -v nix >/dev/null && version="$(nix_version nix)" && [ -n "$version" ] && at_least "$version" "$minimum"
}

# Whether the official installer answers, within a few seconds (no network: fail fast).
installer_reachable() {
  curl -fs --connect-timeout 3 --max-time 5 -o /dev/null "$installer_url"
}

need=()
for package in curl ca-certificates chromium git fonts-dejavu-core mmdebstrap patchelf \
  linux-source-6.12 build-essential bc bison flex libelf-dev libssl-dev kmod xz-utils time \
  qemu-system-x86 busybox-static acpica-tools dash; do
  # Screenshots need a font; kbuild its tools; `npm run bench` GNU time for peak memory; the
  # boot level QEMU, busybox, dash and iasl.
  dpkg -s "$package" >/dev/null 2>&1 || need+=("$package")
done
if [ "${#need[@]}" -gt 0 ]; then
  apt-get update -q
  apt-get install -y -q "${need[@]}"
fi

# The Debian mirror this machine's apt uses, for the suites it does not list (trixie, sid).
mirror="${DEBIAN_MIRROR:-$(apt-get indextargets --format '$(LABEL) $(REPO_URI)' 2>/dev/null | awk '$1 == "Debian" { print $2; exit }')}"
mirror="${mirror%/}"

# Installs Debian SUITE's nix-bin into DIR/root, and its `nix` (patched to load its libraries
# from that root, which Debian 12's are too old for) into DIR/bin, with the nix-* commands as
# links to it, as Debian ships them.
install_debian_nix() {
  local dir="$1" suite="$2"
  shift 2
  if [ -x "$dir/bin/nix" ] && "$dir/bin/nix" --version >/dev/null 2>&1; then
    return 0
  fi
  if [ -z "$mirror" ]; then
    echo "setup-machine: no Debian mirror found in apt's sources; set DEBIAN_MIRROR." >&2
    return 1
  fi
  rm -rf "$dir"
  mkdir -p "$dir/bin"
  mmdebstrap --quiet --variant=essential --include=nix-bin "$@" "$suite" "$dir/root" \
    "deb $mirror $suite main"
  cp "$dir/root/usr/bin/nix" "$dir/bin/nix"
  # A DT_RPATH (--force-rpath), unlike a DT_RUNPATH, also reaches the libraries' own libraries.
  patchelf --set-interpreter "$dir/root/lib64/ld-linux-x86-64.so.2" --force-rpath \
    --set-rpath "$dir/root/usr/lib/x86_64-linux-gnu:$dir/root/lib/x86_64-linux-gnu" "$dir/bin/nix"
  for tool in "$dir"/root/usr/bin/nix-*; do
    ln -sf nix "$dir/bin/$(basename "$tool")"
  done
  "$dir/bin/nix" --version
}

# `setup-machine.sh --debian-nix SUITE DIR` does only that (`npm run bench` times it).
if [ "${1:-}" = --debian-nix ]; then
  install_debian_nix "$3" "$2"
  exit 0
fi

# Links every nix* command of a folder into /usr/local/bin, which comes before /usr/bin.
link_nix() {
  for tool in "$1"/nix*; do
    ln -sf "$tool" "/usr/local/bin/$(basename "$tool")"
  done
  hash -r
}

nix_from=''
if current_nix; then
  nix_from="kept $(command -v nix)"
elif installer_reachable; then
  # Without systemd (a container), Nix runs without a daemon.
  init=()
  [ -d /run/systemd/system ] || init=(--init none)
  if curl -fsSL --retry 3 --max-time 120 "$installer_url" | sh -s -- install linux "${init[@]}" --no-confirm; then
    link_nix "$nix_profile"
    export PATH="$nix_profile:$PATH"
    nix_from="the official installer ($installer_url)"
  else
    echo "setup-machine: the official Nix installer failed; installing Debian's current nix-bin instead." >&2
  fi
fi
if [ -z "$nix_from" ]; then
  install_debian_nix "$versions/debian-13" trixie
  link_nix "$versions/debian-13/bin"
  nix_from="Debian 13 (trixie)'s nix-bin in $versions/debian-13, linked into /usr/local/bin"
fi

# The test matrix: a newer Nix (sid's, whose Release file in this archive is past its
# Valid-Until date, so this one bootstrap is told not to check that) and Debian 12's own 2.8.
install_debian_nix "$versions/debian-13" trixie
install_debian_nix "$versions/debian-sid" sid --aptopt='Acquire::Check-Valid-Until "false"'
dpkg -s nix-bin >/dev/null 2>&1 || {
  apt-get update -q
  apt-get install -y -q --no-install-recommends nix-bin
}
mkdir -p "$versions/debian-12/bin"
for tool in /usr/bin/nix /usr/bin/nix-*; do
  ln -sf "$tool" "$versions/debian-12/bin/$(basename "$tool")"
done
hash -r

# The newest Linux source in Debian's archive, for the stand-in's linuxPackages_latest: found
# and downloaded with a private apt configuration (the machine's sources stay as they are),
# then installed with dpkg. It needs only binutils and xz-utils.
apt_private=(-o "Dir::Etc::SourceList=$cache/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$cache/apt/lists" -o "Dir::Cache=$cache/apt/cache" -o Dir::State::Status=/var/lib/dpkg/status)
mkdir -p "$cache/apt/lists/partial" "$cache/apt/cache/archives/partial" "$cache/debs"
chown _apt "$cache/debs" 2>/dev/null || true
printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
  "$mirror" trixie "$mirror" trixie-backports >"$cache/apt/sources.list"
apt-get "${apt_private[@]}" update -q >/dev/null
latest="$(apt-cache "${apt_private[@]}" search --names-only '^linux-source-[0-9]+\.[0-9]+$' | awk '{ print $1 }' | sort -V | tail -n 1)"
if [ -z "$latest" ]; then
  echo "setup-machine: no linux-source package found in trixie or trixie-backports." >&2
  exit 1
fi
if ! dpkg -s "$latest" >/dev/null 2>&1; then
  (cd "$cache/debs" && apt-get "${apt_private[@]}" download -q "$latest")
  dpkg -i "$cache/debs/${latest}"_*.deb
fi

# Debian's Nix, and the installer's in a container, run without a daemon. As root, with no
# nix-daemon, Nix needs no build users and no sandbox; flakes and the new CLI are experimental
# features. Nothing is fetched from a binary cache: the verifier builds only what it must.
conf=/etc/nix/nix.conf
mkdir -p /etc/nix
touch "$conf"
set_option() {
  if grep -qE "^[[:space:]]*$1[[:space:]]*=" "$conf"; then
    sed -i -E "s|^[[:space:]]*$1[[:space:]]*=.*|$1 = $2|" "$conf"
  else
    printf '%s = %s\n' "$1" "$2" >>"$conf"
  fi
}
set_option experimental-features 'nix-command flakes'
if ! pgrep -x nix-daemon >/dev/null; then
  set_option build-users-group ''
  set_option sandbox false
fi

echo "Nix: $nix_from."
echo "  $(command -v nix): $(nix --version)"
for dir in "$versions"/*/bin; do
  echo "  test matrix: $dir/nix: $("$dir/nix" --version)"
done
if ! current_nix; then
  echo "setup-machine: the nix on the PATH is older than $minimum, which the pinned nixpkgs needs." >&2
  exit 1
fi
chromium --version
ls -l /usr/src/linux-source-*.tar.xz
