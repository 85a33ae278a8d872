# Stand-in for nixpkgs' nixos/modules/tasks/filesystems.nix and swap options:
# `fileSystems` (an attribute set of submodules keyed by mount point),
# `swapDevices`, and stage 1's assertion that the root file system is declared.
{ config, lib, ... }:
let
  inherit (lib) mkOption types;

  fileSystemOpts =
    { name, ... }:
    {
      options = {
        mountPoint = mkOption {
          type = types.str;
          default = name;
          example = "/mnt/usb";
          description = "Location of the mounted file system.";
        };
        device = mkOption {
          type = types.nullOr types.str;
          default = null;
          example = "/dev/sda";
          description = "The device as passed to `mount`.";
        };
        label = mkOption {
          type = types.nullOr types.str;
          default = null;
          description = "Label of the device (if any).";
        };
        fsType = mkOption {
          type = types.str;
          default = "auto";
          example = "ext3";
          description = "Type of the file system.";
        };
        options = mkOption {
          type = types.listOf types.str;
          default = [ "defaults" ];
          example = [ "data=journal" ];
          description = "Options used to mount the file system.";
        };
        neededForBoot = mkOption {
          type = types.bool;
          default = false;
          description = "Whether the file system is mounted in the initial ramdisk.";
        };
        depends = mkOption {
          type = types.listOf types.str;
          default = [ ];
          description = "Other file systems that must be mounted before this one.";
        };
      };
    };

  swapOpts =
    { config, ... }:
    {
      options = {
        device = mkOption {
          type = types.str;
          default = "/dev/disk/by-label/${config.label}";
          example = "/dev/sda3";
          description = "Path of the device or swap file.";
        };
        label = mkOption {
          type = types.str;
          description = "Label of the device.";
        };
        size = mkOption {
          type = types.nullOr types.int;
          default = null;
          description = "If this option is set, ‘device’ is interpreted as the path of a swapfile of this size in MiB.";
        };
        priority = mkOption {
          type = types.nullOr types.int;
          default = null;
          description = "Priority of the swap device.";
        };
      };
    };
in
{
  options = {
    fileSystems = mkOption {
      type = types.attrsOf (types.submodule fileSystemOpts);
      default = { };
      example = lib.literalExpression ''
        {
          "/".device = "/dev/hda1";
        }
      '';
      description = "The file systems to be mounted, keyed by mount point.";
    };

    swapDevices = mkOption {
      type = types.listOf (types.submodule swapOpts);
      default = [ ];
      description = "The swap devices and swap files.";
    };

    boot.supportedFilesystems = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = "Names of supported filesystem types.";
    };
  };

  config.assertions = [
    {
      assertion =
        config.boot.isContainer || lib.any (fs: fs.mountPoint == "/") (lib.attrValues config.fileSystems);
      message = "The ‘fileSystems’ option does not specify your root file system.";
    }
  ];
}
