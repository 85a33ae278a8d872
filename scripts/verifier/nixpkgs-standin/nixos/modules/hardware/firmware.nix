# Stand-in for nixpkgs' firmware and CPU microcode options
# (hardware/all-firmware.nix, hardware/cpu/intel-microcode.nix, amd-microcode.nix),
# which hardware-configuration.nix files set.
{ lib, ... }:
let
  inherit (lib) mkOption types;
in
{
  options.hardware = {
    enableRedistributableFirmware = mkOption {
      type = types.bool;
      default = false;
      description = "Whether to enable firmware with a license allowing redistribution.";
    };
    enableAllFirmware = mkOption {
      type = types.bool;
      default = false;
      description = "Whether to enable all firmware regardless of license.";
    };
    firmware = mkOption {
      type = types.listOf types.package;
      default = [ ];
      description = "List of packages containing firmware files.";
    };
    cpu.intel.updateMicrocode = mkOption {
      type = types.bool;
      default = false;
      description = "Update the CPU microcode for Intel processors.";
    };
    cpu.amd.updateMicrocode = mkOption {
      type = types.bool;
      default = false;
      description = "Update the CPU microcode for AMD processors.";
    };
  };
}
