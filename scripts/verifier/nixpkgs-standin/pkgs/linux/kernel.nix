# Stand-in for a kernel built by nixpkgs' pkgs/os-specific/linux/kernel (generic.nix
# and common-flags.nix): the attributes out-of-tree module packages read (`dev`,
# `modDirVersion`, `moduleBuildDependencies`, `commonMakeFlags`, `makeFlags`, ...).
# Its source hash is lib.fakeHash: it is never fetched or built.
{
  lib,
  stdenv,
  buildPackages,
  fetchurl,
  bc,
  bison,
  elfutils,
  flex,
  kmod,
  openssl,
  pahole,
  perl,
  zstd,
  deterministic-uname,
  version,
  modDirVersion ? version,
}:
let
  cc = stdenv.cc;
  hostCc = buildPackages.stdenv.cc;

  # The flags the kernel and out-of-tree modules share.
  commonMakeFlags = [
    "CC=${cc}/bin/${cc.targetPrefix}cc"
    "LD=${cc.bintools}/bin/${cc.targetPrefix}ld"
    "AR=${cc.bintools}/bin/${cc.targetPrefix}ar"
    "HOSTCC=${hostCc}/bin/${hostCc.targetPrefix}cc"
    "HOSTLD=${hostCc.bintools}/bin/${hostCc.targetPrefix}ld"
    "ARCH=${stdenv.hostPlatform.linuxArch}"
  ]
  ++ lib.optionals (stdenv.hostPlatform.system != stdenv.buildPlatform.system) [
    "CROSS_COMPILE=${cc.targetPrefix}"
  ];
in
stdenv.mkDerivation (finalAttrs: {
  pname = "linux";
  inherit version;

  src = fetchurl {
    url = "mirror://kernel/linux/kernel/v${lib.versions.major version}.x/linux-${version}.tar.xz";
    hash = lib.fakeHash;
  };

  outputs = [
    "out"
    "dev"
  ];

  nativeBuildInputs = [
    bc
    bison
    flex
    kmod
    openssl
    perl
    zstd
    elfutils
  ];

  # The kernel's own build flags: `O=` points at its build tree, which is why
  # these are the wrong flags for an out-of-tree module.
  makeFlags = [ "O=$(buildRoot)" ] ++ commonMakeFlags;

  passthru = {
    inherit
      modDirVersion
      commonMakeFlags
      stdenv
      ;
    baseVersion = lib.versions.pad 3 version;
    kernelOlder = lib.versionOlder version;
    kernelAtLeast = lib.versionAtLeast version;
    isZen = false;
    isHardened = false;
    isLibre = false;
    features = {
      efiBootStub = true;
    };
    kernelPatches = [ ];
    config = {
      isSet = _: true;
      isYes = _: true;
      isNo = _: false;
      isModule = _: false;
      isEnabled = _: true;
      getValue = _: "y";
    };
    # Module makefiles run `uname -r`; nixpkgs gives them one that answers modDirVersion.
    moduleBuildDependencies = [
      pahole
      perl
      elfutils
      (deterministic-uname.override { inherit modDirVersion; })
    ]
    ++ lib.optional (lib.versionAtLeast version "5.13") zstd;
  };

  meta = {
    description = "Linux kernel (offline stand-in: evaluates and instantiates, never builds)";
    homepage = "https://www.kernel.org/";
    license = lib.licenses.gpl2Only;
    platforms = lib.platforms.linux;
    branch = lib.versions.majorMinor version;
  };
})
