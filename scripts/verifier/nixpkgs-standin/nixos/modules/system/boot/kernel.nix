# Stand-in for nixpkgs' nixos/modules/system/boot/kernel.nix: which kernel the
# system runs, which modules it loads, and the module packages built against it.
# Like NixOS, it always adds "loop" and "atkbd" to boot.kernelModules.
{
  config,
  lib,
  pkgs,
  ...
}:
let
  inherit (lib) mkOption types;
  kernel = config.boot.kernelPackages.kernel;
in
{
  options = {
    boot.kernelPackages = mkOption {
      type = types.raw;
      default = pkgs.linuxPackages;
      defaultText = lib.literalExpression "pkgs.linuxPackages";
      example = lib.literalExpression "pkgs.linuxKernel.packages.linux_6_12";
      description = "The kernel package set (kernel and modules built for it) the system uses.";
    };

    boot.kernelParams = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = "Parameters added to the kernel command line.";
    };

    boot.kernelModules = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = "The set of kernel modules to be loaded in the second stage of the boot process.";
    };

    boot.extraModulePackages = mkOption {
      type = types.listOf types.package;
      default = [ ];
      example = lib.literalExpression "[ config.boot.kernelPackages.nvidia_x11 ]";
      description = "A list of additional packages supplying kernel modules.";
    };

    boot.blacklistedKernelModules = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = "List of names of kernel modules that should not be loaded automatically.";
    };

    boot.extraModprobeConfig = mkOption {
      type = types.lines;
      default = "";
      description = "Any additional configuration to be appended to the generated modprobe.conf.";
    };

    boot.isContainer = mkOption {
      type = types.bool;
      default = false;
      description = "Whether this NixOS machine is a lightweight container.";
    };

    boot.initrd.availableKernelModules = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = "Kernel modules available in the initial ramdisk, loaded on demand.";
    };

    boot.initrd.kernelModules = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = "Kernel modules always loaded by the initrd.";
    };

    boot.initrd.includeDefaultModules = mkOption {
      type = types.bool;
      default = true;
      description = "Whether the initrd includes NixOS's default set of modules.";
    };

    system.modulesTree = mkOption {
      type = types.listOf types.package;
      internal = true;
      default = [ ];
      description = "Packages whose kernel modules the system installs.";
    };
  };

  config = {
    boot.kernelModules = [
      "loop"
      "atkbd"
    ];

    boot.initrd.availableKernelModules = lib.optionals config.boot.initrd.includeDefaultModules [
      "sd_mod"
      "sr_mod"
      "ahci"
      "nvme"
      "xhci_hcd"
      "xhci_pci"
      "usbhid"
      "hid_generic"
    ];

    boot.initrd.kernelModules = lib.optionals config.boot.initrd.includeDefaultModules [ "dm_mod" ];

    system.build.kernel = kernel;
    system.modulesTree = [ kernel ] ++ config.boot.extraModulePackages;
  };
}
