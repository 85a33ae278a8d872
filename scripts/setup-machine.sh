#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian 12 machine: Nix, Chromium for the browser
# tests, and what the offline stand-in builds kernel modules with: Debian's Linux 6.12 source and
# the kernel's build tools. Run as root (or with sudo). Safe to run again.
#
# Nix: a current one from the official installer where it is reachable (the pinned nixpkgs needs
# Nix 2.18 or newer), Debian's nix-bin (Nix 2.8, enough for the offline stand-in) otherwise. A
# Nix already on the PATH is kept. NIX_INSTALLER_URL overrides where the installer is fetched from.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  exec sudo "$0" "$@"
fi

export DEBIAN_FRONTEND=noninteractive
installer_url="${NIX_INSTALLER_URL:-https://install.determinate.systems/nix}"
nix_profile=/nix/var/nix/profiles/default/bin
# A Nix the installer put in place earlier, whose profile is not on this shell's PATH.
if ! command -v nix >/dev/null && [ -x "$nix_profile/nix" ]; then
  export PATH="$nix_profile:$PATH"
fi

# Whether the official installer answers, within a few seconds (no network: fail fast).
installer_reachable() {
  command -v curl >/dev/null && curl -fs --connect-timeout 3 --max-time 5 -o /dev/null "$installer_url"
}

need=()
nix_from=''
nix_why=''
if ! command -v nix >/dev/null; then
  # The probe needs curl, which a minimal Debian (a container image) lacks.
  if ! command -v curl >/dev/null; then
    apt-get update -q
    apt-get install -y -q curl ca-certificates
  fi
  if installer_reachable; then
    nix_from=installer
  else
    nix_from=debian
    nix_why="the official installer ($installer_url) was not reachable"
    need+=(nix-bin)
  fi
fi
command -v chromium >/dev/null || need+=(chromium)
command -v git >/dev/null || need+=(git)
# Screenshots need at least one font.
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need+=(fonts-dejavu-core)
# The stand-in's kernel tree (/usr/src/linux-source-6.12.tar.xz) and what kbuild runs; GNU
# time, with which `npm run bench` measures peak memory.
for package in linux-source-6.12 build-essential bc bison flex libelf-dev libssl-dev kmod xz-utils time; do
  dpkg -s "$package" >/dev/null 2>&1 || need+=("$package")
done
if [ "${#need[@]}" -gt 0 ]; then
  apt-get update -q
  apt-get install -y -q "${need[@]}"
fi

if [ "$nix_from" = installer ]; then
  # Without systemd (a container), Nix runs without a daemon.
  init=()
  [ -d /run/systemd/system ] || init=(--init none)
  if curl -fsSL --retry 3 --max-time 120 "$installer_url" | sh -s -- install linux "${init[@]}" --no-confirm; then
    # On the PATH of every later shell and script, not only of login shells.
    for tool in "$nix_profile"/nix*; do
      ln -sf "$tool" "/usr/local/bin/$(basename "$tool")"
    done
    export PATH="$nix_profile:$PATH"
  else
    echo "setup-machine: the official Nix installer failed; installing Debian's nix-bin instead." >&2
    nix_from=debian
    nix_why="the official installer ($installer_url) failed"
    apt-get update -q
    apt-get install -y -q nix-bin
  fi
fi

# Debian's Nix, and the installer's in a container, run without a daemon. As root, with no
# nix-daemon, Nix needs no build users and no sandbox; flakes and the new CLI are experimental
# features in Nix 2.8. Nothing is fetched from a binary cache: the verifier builds only what it
# must.
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

case "$nix_from" in
  installer) echo "Nix: installed a current Nix with the official installer ($installer_url)." ;;
  debian) echo "Nix: installed Debian's nix-bin: $nix_why." ;;
  *) echo "Nix: already installed ($(command -v nix))." ;;
esac
nix --version
# nixpkgs 26.05 needs Nix 2.18 or newer; an older Nix verifies against the offline stand-in.
version="$(nix --version | grep -oE '[0-9]+\.[0-9]+(\.[0-9]+)?' | tail -n 1)"
if [ "$(printf '%s\n' "$version" 2.18 | sort -V | head -n 1)" != 2.18 ]; then
  echo "Nix $version is older than 2.18, which the pinned nixpkgs needs: npm run build verifies against the"
  echo "offline stand-in with it. For real nixpkgs, install a current Nix in its place (see the README)."
fi
chromium --version
ls -l /usr/src/linux-source-6.12.tar.xz
