# Stand-in for nixpkgs' own qc71_laptop package (pkgs/os-specific/linux/qc71_laptop), with the
# arguments nixpkgs' file takes today, its version and the file it installs,
# extra/qc71_laptop.ko. nixpkgs builds the pobrn upstream at ebab4af (2025-01-07). That tree is
# not in the source mirror, and the pobrn tree that is (8805dc56, 2023) no longer compiles for
# Linux 6.12, so the stand-in builds the nearest tree the mirror holds: Slimbook's fork at its
# master (6305ec38, 2024-11-19, then equal to upstream), with the `void` it needs on kernels
# without LEDS_BRIGHTNESS_HW_CHANGED. It is a module of the same name, not nixpkgs' build of it.
{
  lib,
  stdenv,
  fetchFromGitHub,
  kernel,
  kernelModuleMakeFlags,
  nix-update-script,
}:
stdenv.mkDerivation (finalAttrs: {
  pname = "qc71_laptop";
  version = "0-unstable-2025-01-07";

  src = fetchFromGitHub {
    owner = "Slimbook-Team";
    repo = "qc71_laptop";
    rev = "6305ec382fb16dc835e4c62c2b6cfcdaf013a83a";
    hash = "sha256-PfoqjqQXu9HOg9GOXcXOCIrvBbnvHOPuYqRLKOA57t0=";
  };

  postPatch = ''
    substituteInPlace events.c \
      --replace-fail "static inline emit_keyboard_led_hw_changed" \
        "static inline void emit_keyboard_led_hw_changed"
  '';

  nativeBuildInputs = kernel.moduleBuildDependencies;

  makeFlags = kernelModuleMakeFlags ++ [
    "VERSION=${finalAttrs.version}"
    "KDIR=${kernel.dev}/lib/modules/${kernel.modDirVersion}/build"
  ];

  installPhase = ''
    runHook preInstall
    install -D qc71_laptop.ko -t $out/lib/modules/${kernel.modDirVersion}/extra
    runHook postInstall
  '';

  passthru.updateScript = nix-update-script { };

  meta = {
    description = "Linux driver for QC71 laptop";
    homepage = "https://github.com/pobrn/qc71_laptop/";
    license = lib.licenses.gpl2Only;
    maintainers = [ ];
    platforms = [ "x86_64-linux" ];
  };
})
