# Stand-in for nixpkgs' nixos/modules/system/boot/kernel.nix (nixos-26.05): which kernel the
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
  inherit (config.boot) kernelPatches;
  inherit (config.boot.kernel) features randstructSeed;
  kernel = config.boot.kernelPackages.kernel;

  # As nixpkgs since 25.05 (PR 375975): the module lists take a list of names or an
  # attribute set `{ name = true; }`; a list becomes such a set, and the `apply` below turns
  # the merged set back into the sorted, de-duplicated list of the names set to true, which
  # is what other modules read.
  attrNamesToTrue = types.coercedTo (types.listOf types.str) (
    names: lib.genAttrs names (_: true)
  ) (types.attrsOf types.bool);
  namesSetToTrue = modules: lib.attrNames (lib.filterAttrs (_: enabled: enabled) modules);
in
{
  options = {
    # As nixpkgs: `apply` calls `.extend` on the chosen set, to apply boot.kernelPatches and
    # boot.kernel.features to its kernel. `.extend` rebuilds the set from its definition, so
    # an attribute an overlay added with `//` is not in config.boot.kernelPackages.
    boot.kernelPackages = mkOption {
      type = types.raw;
      default = pkgs.linuxPackages;
      apply =
        kernelPackages:
        kernelPackages.extend (
          final: prev: {
            kernel = prev.kernel.override (originalArgs: {
              inherit randstructSeed;
              features = lib.recursiveUpdate prev.kernel.features features;
              kernelPatches = (originalArgs.kernelPatches or [ ]) ++ kernelPatches;
            });
          }
        );
      defaultText = lib.literalExpression "pkgs.linuxPackages";
      example = lib.literalExpression "pkgs.linuxKernel.packages.linux_6_12";
      description = "The kernel package set (kernel and modules built for it) the system uses.";
    };

    boot.kernelParams = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = "Parameters added to the kernel command line.";
    };

    boot.kernelPatches = mkOption {
      type = types.listOf types.attrs;
      default = [ ];
      description = "A list of additional patches to apply to the kernel.";
    };

    boot.kernel.features = mkOption {
      default = { };
      internal = true;
      description = "Kernel features that NixOS modules may enable or disable.";
    };

    boot.kernel.randstructSeed = mkOption {
      type = types.str;
      default = "";
      description = "A custom seed for the kernel's RANDSTRUCT option.";
    };

    boot.kernelModules = mkOption {
      type = attrNamesToTrue;
      default = { };
      apply = namesSetToTrue;
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
      type = attrNamesToTrue;
      default = { };
      apply = namesSetToTrue;
      description = "Kernel modules available in the initial ramdisk, loaded on demand.";
    };

    boot.initrd.kernelModules = mkOption {
      type = attrNamesToTrue;
      default = { };
      apply = namesSetToTrue;
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
    # As nixpkgs since PR 423933 (August 2025): the kernel's own modules are its `modules` output.
    system.modulesTree = [ (lib.getOutput "modules" kernel) ] ++ config.boot.extraModulePackages;
  };
}
