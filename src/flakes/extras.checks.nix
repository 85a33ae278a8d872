# Claims the guide makes about the approach-1 system of "Driver options" and "Keep it current":
# its modprobe configuration, its update script, and the package output nix-update reads.
{ flake, system }:

let
  inherit (flake.nixosConfigurations.hero) config;
  package = flake.packages.${system}.qc71-slimbook-laptop;
  # nix-update-script gives a list today; an attribute set with `command` is also allowed.
  updateScript =
    if builtins.isAttrs package.updateScript then
      package.updateScript.command
    else
      package.updateScript;
  modprobeLines = builtins.filter builtins.isString (
    builtins.split "\n" config.boot.extraModprobeConfig
  );
in
{
  "the modprobe configuration has the line options qc71_laptop nolightbar=1" =
    builtins.elem "options qc71_laptop nolightbar=1" modprobeLines;
  "the update script follows the slimbook branch" =
    builtins.elem "--version=branch=slimbook" updateScript;
  "the flake's package output is the module the system installs" =
    builtins.elem package.drvPath (map (p: p.drvPath) config.boot.extraModulePackages);
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
