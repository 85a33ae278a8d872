# Stand-in for nixpkgs' nixos/modules/module-list.nix: the NixOS modules every
# system gets. Only the options the guide touches (and a few that generated
# configurations commonly set) are declared; any other option does not exist here.
[
  ./config/locale.nix
  ./config/system-packages.nix
  ./config/users.nix
  ./hardware/firmware.nix
  ./misc/assertions.nix
  ./misc/meta.nix
  ./misc/nixpkgs.nix
  ./services/common.nix
  ./system/activation/top-level.nix
  ./system/boot/kernel.nix
  ./system/boot/loader.nix
  ./tasks/filesystems.nix
  ./tasks/network.nix
]
