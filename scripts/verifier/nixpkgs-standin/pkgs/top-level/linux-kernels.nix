# Stand-in for nixpkgs' pkgs/top-level/linux-kernels.nix (nixos-26.05). As in nixpkgs, it
# takes the final (post-overlay) `linuxKernel` as an argument, so `packages` and
# `packageAliases` are built through whatever `packagesFor` an overlay installed.
{
  lib,
  linuxKernel,
  newScope,
  kernelPackagesExtensions,
}:
let
  # Not in nixpkgs: Debian's linux-source tarballs the verifier put in the store, one per
  # kernel series (`[ { name; version; hash; } … ]`, newest last); a kernel of the same series
  # builds from its source, the others are evaluated only (see ../linux/kernel.nix).
  sources =
    if builtins.pathExists ../../kernel-sources.nix then import ../../kernel-sources.nix else [ ];
  attrName = version: "linux_" + lib.replaceStrings [ "." ] [ "_" ] (lib.versions.majorMinor version);
  # The kernels nixpkgs' linux-kernels.nix names, at versions of its own; a series with a
  # source takes the source's version, and a source newer than all of them adds its series,
  # which then is `linux_latest`, as nixpkgs' newest kernel is.
  versions =
    {
      linux_6_1 = "6.1.158";
      linux_6_6 = "6.6.114";
      linux_6_12 = "6.12.55";
      linux_6_18 = "6.18.1";
    }
    // lib.listToAttrs (map (s: lib.nameValuePair (attrName s.version) s.version) sources);
  newest = lib.foldl' (
    a: b: if lib.versionOlder versions.${a} versions.${b} then b else a
  ) "linux_6_1" (lib.attrNames versions);
in
{
  kernels = lib.recurseIntoAttrs (
    lib.makeExtensible (
      self:
      let
        callPackage = newScope self;
        kernel =
          version:
          callPackage ../linux/kernel.nix {
            inherit version sources;
            source = lib.findFirst (
              s: lib.versions.majorMinor s.version == lib.versions.majorMinor version
            ) null sources;
          };
      in
      lib.mapAttrs (_: kernel) versions
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
        kernelModuleMakeFlags = kernel.commonMakeFlags ++ [
          "KBUILD_OUTPUT=${kernel.dev}/lib/modules/${kernel.modDirVersion}/build"
        ];

        qc71_laptop = self.callPackage ../linux/qc71_laptop.nix { };
      }
    )).extend
      (lib.fixedPoints.composeManyExtensions kernelPackagesExtensions);

  packages = lib.recurseIntoAttrs (
    lib.mapAttrs (name: kernel: lib.recurseIntoAttrs (linuxKernel.packagesFor kernel)) (
      builtins.intersectAttrs versions linuxKernel.kernels
    )
  );

  packageAliases = {
    linux_default = linuxKernel.packages.linux_6_12;
    linux_latest = linuxKernel.packages.${newest};
  };
}
