# Stand-in for nixpkgs' boot loader modules (grub, systemd-boot, efi): their
# common options, and GRUB's assertion that a bootable system names its devices.
# As in NixOS, GRUB is on by default and enabling systemd-boot turns it off.
{ config, lib, ... }:
let
  inherit (lib) mkOption types;
  grub = config.boot.loader.grub;
in
{
  options.boot.loader = {
    timeout = mkOption {
      type = types.nullOr types.int;
      default = 5;
      description = "Timeout (in seconds) until the boot loader boots the default menu item.";
    };

    grub = {
      enable = mkOption {
        type = types.bool;
        default = !config.boot.isContainer;
        description = "Whether to enable the GNU GRUB boot loader.";
      };
      device = mkOption {
        type = types.str;
        default = "";
        example = "/dev/disk/by-id/wwn-0x500001234567890a";
        description = "The device on which the GRUB boot loader will be installed, or \"nodev\".";
      };
      devices = mkOption {
        type = types.listOf types.str;
        default = [ ];
        description = "The devices on which the boot loader, GRUB, will be installed.";
      };
      efiSupport = mkOption {
        type = types.bool;
        default = false;
        description = "Whether GRUB should be built with EFI support.";
      };
      useOSProber = mkOption {
        type = types.bool;
        default = false;
        description = "Whether to search for other operating systems.";
      };
    };

    systemd-boot = {
      enable = lib.mkEnableOption "the systemd-boot (formerly gummiboot) EFI boot manager";
      configurationLimit = mkOption {
        type = types.nullOr types.int;
        default = null;
        description = "Maximum number of latest generations in the boot menu.";
      };
    };

    efi = {
      canTouchEfiVariables = mkOption {
        type = types.bool;
        default = false;
        description = "Whether the installation process is allowed to modify EFI boot variables.";
      };
      efiSysMountPoint = mkOption {
        type = types.str;
        default = "/boot";
        description = "Where the EFI System Partition is mounted.";
      };
    };
  };

  config = lib.mkMerge [
    (lib.mkIf config.boot.loader.systemd-boot.enable {
      boot.loader.grub.enable = lib.mkDefault false;
    })
    (lib.mkIf grub.enable {
      boot.loader.grub.devices = lib.optional (grub.device != "") grub.device;
      assertions = [
        {
          assertion = grub.devices != [ ];
          message =
            "You must set the option ‘boot.loader.grub.devices’ or "
            + "'boot.loader.grub.mirroredBoots' to make the system bootable.";
        }
      ];
    })
  ];
}
