#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian 12 machine: Nix (Debian's nix-bin),
# Chromium for the browser tests, and what the offline stand-in builds kernel modules with:
# Debian's Linux 6.12 source and the kernel's build tools. Run as root (or with sudo). Safe to
# run again.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  exec sudo "$0" "$@"
fi

export DEBIAN_FRONTEND=noninteractive
need=()
command -v nix >/dev/null || need+=(nix-bin)
command -v chromium >/dev/null || need+=(chromium)
command -v git >/dev/null || need+=(git)
# Screenshots need at least one font.
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need+=(fonts-dejavu-core)
# The stand-in's kernel tree (/usr/src/linux-source-6.12.tar.xz) and what kbuild runs.
for package in linux-source-6.12 build-essential bc bison flex libelf-dev libssl-dev kmod xz-utils; do
  dpkg -s "$package" >/dev/null 2>&1 || need+=("$package")
done
if [ "${#need[@]}" -gt 0 ]; then
  apt-get update -q
  apt-get install -y -q "${need[@]}"
fi

# Debian's Nix runs without a daemon. As root, with no nix-daemon, it needs no build users
# and no sandbox; flakes and the new CLI are experimental features in Nix 2.8. Nothing is
# fetched from a binary cache: the verifier builds only what it must.
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

nix --version
chromium --version
ls -l /usr/src/linux-source-6.12.tar.xz
