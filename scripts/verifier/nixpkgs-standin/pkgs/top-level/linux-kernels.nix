# Stand-in for nixpkgs' pkgs/top-level/linux-kernels.nix (nixos-26.05). As in nixpkgs, it
# takes the final (post-overlay) `linuxKernel` as an argument, so `packages` and
# `packageAliases` are built through whatever `packagesFor` an overlay installed.
{
  lib,
  linuxKernel,
  newScope,
  kernelPackagesExtensions,
}:
{
  kernels = lib.recurseIntoAttrs (
    lib.makeExtensible (
      self:
      let
        callPackage = newScope self;
        source =
          if builtins.pathExists ../../kernel-source.nix then import ../../kernel-source.nix else null;
        kernel = version: callPackage ../linux/kernel.nix { inherit version source; };
      in
      {
        linux_6_1 = kernel "6.1.158";
        linux_6_6 = kernel "6.6.114";
        linux_6_12 = kernel (if source != null then source.version else "6.12.55");
        linux_6_18 = kernel "6.18.1";
      }
    )
  );

  # Kernel modules are tied to one kernel: this builds the set of them for `kernel`.
  # As nixpkgs from 25.11 (PR 448069): the set is made with lib.makeExtensible, then
  # extended with `kernelPackagesExtensions` (pkgs' list of `kFinal: kPrev: { ... }`), so an
  # overlay that appends to that list reaches every kernel package set, and the extensions
  # survive the `.extend` that NixOS's boot.kernelPackages applies.
  packagesFor =
    kernel_:
    (lib.makeExtensible (
      self:
      let
        # As nixpkgs (PR 111845): the set's own `kernel`, so that what an extension puts
        # there (as NixOS's boot.kernelPackages does) is what the rest of the set uses.
        inherit (self) kernel;
      in
      {
        callPackage = newScope self;
        kernel = kernel_;
        inherit (kernel)
          stdenv
          kernelOlder
          kernelAtLeast
          isZen
          isHardened
          isLibre
          ;
        # As nixpkgs (PR 377327): the kernel's common flags, then its build tree.
        kernelModuleMakeFlags =
          kernel.commonMakeFlags
          ++ [
            "KBUILD_OUTPUT=${kernel.dev}/lib/modules/${kernel.modDirVersion}/build"
          ]
          # Not in nixpkgs: the stand-in's kernel tree has no Module.symvers (see kernel.nix).
          ++ lib.optional (!kernel.hasModuleSymvers) "KBUILD_MODPOST_WARN=1";

        qc71_laptop = self.callPackage ../linux/qc71_laptop.nix { };
      }
    )).extend
      (lib.fixedPoints.composeManyExtensions kernelPackagesExtensions);

  packages = lib.recurseIntoAttrs (
    lib.mapAttrs (name: kernel: lib.recurseIntoAttrs (linuxKernel.packagesFor kernel)) {
      inherit (linuxKernel.kernels)
        linux_6_1
        linux_6_6
        linux_6_12
        linux_6_18
        ;
    }
  );

  packageAliases = {
    linux_default = linuxKernel.packages.linux_6_12;
    linux_latest = linuxKernel.packages.linux_6_18;
  };
}
