# Stand-in for nixpkgs' lib/systems: the system doubles, `lib.platforms` lists,
# `flakeExposed`, and `elaborate` for the two Linux systems the stand-in serves.
{ lib }:
let
  doubles = {
    linux = [
      "aarch64-linux"
      "armv5tel-linux"
      "armv6l-linux"
      "armv7a-linux"
      "armv7l-linux"
      "i686-linux"
      "loongarch64-linux"
      "m68k-linux"
      "microblaze-linux"
      "microblazeel-linux"
      "mips-linux"
      "mips64-linux"
      "mips64el-linux"
      "mipsel-linux"
      "powerpc64-linux"
      "powerpc64le-linux"
      "riscv32-linux"
      "riscv64-linux"
      "s390-linux"
      "s390x-linux"
      "x86_64-linux"
    ];
    darwin = [
      "aarch64-darwin"
      "x86_64-darwin"
    ];
  };

  cpus = {
    x86_64 = {
      name = "x86_64";
      bits = 64;
      linuxArch = "x86_64";
    };
    aarch64 = {
      name = "aarch64";
      bits = 64;
      linuxArch = "arm64";
    };
  };

  onCpu = cpu: builtins.filter (lib.hasPrefix "${cpu}-") (doubles.linux ++ doubles.darwin);
in
{
  inherit doubles;

  platforms = {
    all = doubles.linux ++ doubles.darwin;
    linux = doubles.linux;
    darwin = doubles.darwin;
    unix = doubles.linux ++ doubles.darwin;
    x86_64 = onCpu "x86_64";
    aarch64 = onCpu "aarch64";
    x86 = onCpu "x86_64" ++ onCpu "i686";
  };

  flakeExposed = [
    "x86_64-linux"
    "aarch64-linux"
    "x86_64-darwin"
    "armv6l-linux"
    "armv7l-linux"
    "i686-linux"
    "aarch64-darwin"
    "powerpc64le-linux"
    "riscv64-linux"
    "x86_64-freebsd"
  ];

  # Turn "x86_64-linux" (or { system = ...; }, or an elaborated platform) into the
  # platform attribute set stdenv and the kernel read.
  elaborate =
    args:
    let
      system = if builtins.isString args then args else args.system;
      parts = lib.splitString "-" system;
      cpuName = builtins.head parts;
      kernelName = lib.last parts;
      cpu =
        cpus.${cpuName}
          or (throw "nixpkgs stand-in: system `${system}' is not supported; only x86_64-linux and aarch64-linux are");
    in
    if builtins.isAttrs args && args ? parsed then
      args
    else
      {
        inherit system;
        config = "${cpuName}-unknown-${kernelName}-gnu";
        parsed = {
          cpu = cpu;
          kernel.name = kernelName;
        };
        inherit (cpu) linuxArch;
        uname = {
          system = "Linux";
          processor = cpuName;
        };
        isLinux = kernelName == "linux";
        isDarwin = kernelName == "darwin";
        isx86_64 = cpuName == "x86_64";
        isx86 = cpuName == "x86_64";
        isAarch64 = cpuName == "aarch64";
        is64bit = cpu.bits == 64;
        isStatic = false;
        isMusl = false;
        isGnu = true;
        linux-kernel = {
          name = if cpuName == "x86_64" then "pc" else "aarch64-multiplatform";
          target = if cpuName == "x86_64" then "bzImage" else "Image";
        };
        canExecute = other: other.system == system;
      };
}
