# Claims the guide makes about the system of approach 2, which uses the NUR repository.
{ flake, system }:

let
  inherit (flake.nixosConfigurations.hero) config;
  inherit (config.boot.kernelPackages) kernel;
  modules = builtins.filter (
    p: (p.pname or null) == "qc71-slimbook-laptop"
  ) config.boot.extraModulePackages;
  kdir = "KDIR=${kernel.dev}/lib/modules/${kernel.modDirVersion}/build";
in
{
  "the module is in boot.extraModulePackages" = builtins.length modules == 1;
  "qc71_laptop is in boot.kernelModules" = builtins.elem "qc71_laptop" config.boot.kernelModules;
  "the module's KDIR points at the system kernel's modDirVersion" =
    modules != [ ] && builtins.all (p: builtins.elem kdir p.makeFlags) modules;
  # Both install extra/qc71_laptop.ko: a system must not install nixpkgs' package beside its own.
  "nixpkgs' own qc71_laptop is not in boot.extraModulePackages" =
    !builtins.any (p: (p.pname or null) == "qc71_laptop") config.boot.extraModulePackages;
  # Checked after the build: hero's module tree holds extra/qc71_laptop.ko, built for its kernel.
  "qc71_laptop.ko is built for the system's kernel" = {
    host = "hero";
    kernelModule = "qc71_laptop";
  };
  # Checked after boot, on a virtual Slimbook Hero: the driver loaded.
  "qc71_laptop is loaded after boot" = {
    host = "hero";
    loaded = "qc71_laptop";
  };
}
