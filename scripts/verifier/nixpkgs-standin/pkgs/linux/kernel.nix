# Stand-in for a kernel built by nixpkgs' pkgs/os-specific/linux/kernel (generic.nix,
# manual-config.nix and common-flags.nix): the attributes out-of-tree module packages read
# (`dev`, `modDirVersion`, `moduleBuildDependencies`, `commonMakeFlags`, `makeFlags`, ...).
#
# With `source` (Debian's linux-source tarball, which the verifier adds to the store), the
# kernel really builds: a small configuration (`tinyconfig`, plus what a virtual machine and the
# guide's driver need) with NixOS's values for the options that decide how an out-of-tree module
# compiles and loads. `out` holds its bzImage, `modules` its own modules, and `dev` the tree
# modules build against, `$dev/lib/modules/<modDirVersion>/build`, with the Module.symvers of the
# whole build, as in nixpkgs, so modpost rejects a module that uses a symbol the kernel does not
# export. Without `source`, it evaluates and instantiates, and its build fails saying why.
#
# As nixpkgs since PR 423933 (August 2025, so from 25.11), the kernel's module tree is a
# separate `modules` output (`$modules/lib/modules/<modDirVersion>`), which NixOS puts in
# system.modulesTree.
# `kernelPatches`, `features` and `randstructSeed` are the arguments NixOS overrides (see
# nixos/modules/system/boot/kernel.nix); patches are recorded, not applied.
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
  source ? null,
  sources ? [ ],
  kernelPatches ? [ ],
  features ? { },
  randstructSeed ? "",
}:
let
  cc = stdenv.cc;
  bintools = cc.bintools;
  hostCc = buildPackages.stdenv.cc;
  prefix = cc.targetPrefix;

  # As nixpkgs' pkgs/os-specific/linux/kernel/common-flags.nix (nixos-26.05), in its order:
  # the compilers and binutils by absolute path, the host's, ARCH and CROSS_COMPILE, which
  # the kernel and out-of-tree modules share. (Without its clang-only CFLAGS_* flags: the
  # stand-in's compiler is GCC.)
  commonMakeFlags = [
    "CC=${cc}/bin/${prefix}cc"
    "CXX=${cc}/bin/${prefix}g++"
    "LD=${bintools}/bin/${prefix}ld"
    "AR=${bintools}/bin/${prefix}ar"
    "NM=${bintools}/bin/${prefix}nm"
    "STRIP=${bintools}/bin/${prefix}strip"
    "OBJCOPY=${bintools}/bin/${prefix}objcopy"
    "OBJDUMP=${bintools}/bin/${prefix}objdump"
    "READELF=${bintools}/bin/${prefix}readelf"
    "HOSTCC=${hostCc}/bin/${hostCc.targetPrefix}cc"
    "HOSTCXX=${hostCc}/bin/${hostCc.targetPrefix}c++"
    "HOSTAR=${hostCc.bintools}/bin/${hostCc.targetPrefix}ar"
    "HOSTLD=${hostCc.bintools}/bin/${hostCc.targetPrefix}ld"
    "ARCH=${stdenv.hostPlatform.linuxArch}"
    "CROSS_COMPILE=${prefix}"
  ];

  # The options that decide how an out-of-tree module compiles, set as nixpkgs'
  # pkgs/os-specific/linux/kernel/common-config.nix leaves them: no `-Werror` for the whole
  # tree, no module signing, and no LEDS_BRIGHTNESS_HW_CHANGED (nothing selects it).
  nixosOptions = [
    "--disable WERROR"
    "--disable MODULE_SIG"
    "--disable LEDS_BRIGHTNESS_HW_CHANGED"
    "--module ACPI_WMI"
    "--enable LEDS_CLASS"
    "--enable HWMON"
    "--enable ACPI_BATTERY"
    # What makes a module's vermagic read as on NixOS: "SMP preempt mod_unload".
    "--enable SMP"
    "--enable PREEMPT"
    "--enable MODULE_UNLOAD"
  ];

  # Not in nixpkgs: the rest of a small kernel that boots in QEMU and runs the driver, on top of
  # `tinyconfig` (the boot level's virtual machine: a serial console, an initramfs, ACPI and
  # DMI, and the subsystems the driver registers with).
  machineOptions = [
    "--enable 64BIT"
    "--enable MODULES"
    "--enable PRINTK"
    "--enable TTY"
    "--enable SERIAL_8250"
    "--enable SERIAL_8250_CONSOLE"
    "--enable BLK_DEV_INITRD"
    "--enable RD_GZIP"
    "--enable BINFMT_ELF"
    "--enable BINFMT_SCRIPT"
    "--enable DEVTMPFS"
    "--enable DEVTMPFS_MOUNT"
    "--enable PROC_FS"
    "--enable SYSFS"
    "--enable ACPI"
    "--enable PCI"
    "--enable DMI"
    "--enable DMIID"
    "--enable X86_PLATFORM_DEVICES"
    "--enable NEW_LEDS"
    "--enable POWER_SUPPLY"
    "--enable DEBUG_FS"
    "--enable INPUT"
    "--enable INPUT_SPARSEKMAP"
    "--enable FUTEX"
    "--enable MULTIUSER"
    "--enable SHMEM"
    "--enable TMPFS"
  ];

  buildable = source != null && source.version == version;
  noSource =
    "offline stand-in: no source for Linux ${version}. "
    + (
      if sources == [ ] then
        "It was given no kernel source (Debian's linux-source), so it builds no kernel."
      else
        "It builds only the kernels of Debian's "
        + lib.concatMapStringsSep ", " (s: "${s.name} (Linux ${s.version})") sources
        + "."
    );
in
stdenv.mkDerivation (finalAttrs: {
  pname = "linux";
  inherit version;

  src =
    if buildable then
      fetchurl {
        inherit (source) name hash;
        url = "file:///usr/src/${source.name}";
      }
    else
      null;

  outputs = [
    "out"
    "dev"
    "modules"
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

  # The kernel's own build flags: `O=` points at its build tree, which is why these are the
  # wrong flags for an out-of-tree module.
  makeFlags = [ "O=$(buildRoot)" ] ++ commonMakeFlags;

  inherit nixosOptions;
  kernelFlags = commonMakeFlags;
  enableParallelBuilding = true;

  unpackPhase =
    if buildable then
      null
    else
      ''
        echo "$standinNoSource" >&2
        exit 1
      '';

  inherit machineOptions;
  configurePhase = ''
    runHook preConfigure
    make $kernelFlags tinyconfig
    scripts/config $machineOptions $nixosOptions
    make $kernelFlags olddefconfig
    runHook postConfigure
  '';

  # The whole kernel: its image, its modules, and Module.symvers, against which modpost checks
  # every symbol an out-of-tree module uses, as with nixpkgs' kernels.
  buildPhase = ''
    runHook preBuild
    make $kernelFlags -j$NIX_BUILD_CORES bzImage modules
    release="$(make -s $kernelFlags kernelrelease)"
    if [ "$release" != "${modDirVersion}" ]; then
      echo "kernel release $release is not modDirVersion ${modDirVersion}" >&2
      exit 1
    fi
    runHook postBuild
  '';

  # As manual-config.nix: `dev` keeps what building a module needs (Makefiles, Kconfig,
  # headers, scripts, the configuration and objtool), not the sources of the kernel itself.
  installPhase = ''
    runHook preInstall
    mkdir -p $out $modules
    cp arch/x86/boot/bzImage $out/bzImage
    make $kernelFlags modules_install INSTALL_MOD_PATH=$modules INSTALL_MOD_STRIP=1 DEPMOD=true
    rm -f $modules/lib/modules/${modDirVersion}/build $modules/lib/modules/${modDirVersion}/source
    rm -f vmlinux vmlinux.* arch/x86/boot/bzImage arch/x86/boot/*.bin arch/x86/boot/compressed/vmlinux*
    find . -type f -name '*.ko' -delete
    find . -type f \( -name '*.c' -o -name '*.o' -o -name '*.rs' -o -name '*.rst' -o -name '*.txt' \
      -o -name '*.S' -o -name '*.dts*' -o -name '*.yaml' -o -name '*.json' -o -name '*.cmd' \) \
      ! -path './scripts/*' ! -path './tools/objtool/*' -delete
    rm -rf Documentation samples LICENSES tools/testing
    for d in arch/*; do
      if [ "$d" != arch/x86 ] && [ "$d" != arch/Kconfig ]; then rm -rf "$d"; fi
    done
    find drivers sound fs net -type f ! -name 'Makefile*' ! -name 'Kconfig*' ! -name 'Kbuild*' -delete
    find tools -mindepth 1 -maxdepth 1 ! -name objtool ! -name include ! -name arch ! -name lib \
      ! -name scripts ! -name build -exec rm -rf {} +
    find . -type d -empty -delete
    mkdir -p $dev/lib/modules/${modDirVersion}
    cp -a . $dev/lib/modules/${modDirVersion}/build
    ln -s $dev/lib/modules/${modDirVersion}/build $modules/lib/modules/${modDirVersion}/build
    runHook postInstall
  '';

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
    }
    // features;
    inherit kernelPatches randstructSeed;
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
    description = "Linux kernel (offline stand-in: only the tree modules are built against)";
    homepage = "https://www.kernel.org/";
    license = lib.licenses.gpl2Only;
    platforms = lib.platforms.linux;
    branch = lib.versions.majorMinor version;
  };
}
# Not in nixpkgs: says, in the derivation itself, that the stand-in cannot build this kernel.
# The verifier reads it from the .drv files of a package's closure, and reports a module for
# this kernel as "not built here" instead of as a failed build.
// lib.optionalAttrs (!buildable) { standinNoSource = noSource; }
)
