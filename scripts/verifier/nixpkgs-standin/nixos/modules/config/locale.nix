# Stand-in for nixpkgs' time zone, locale and console options
# (config/locale.nix, config/i18n.nix, config/console.nix).
{ lib, ... }:
let
  inherit (lib) mkOption types;
in
{
  options = {
    time.timeZone = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "America/New_York";
      description = "The time zone used when displaying times and dates.";
    };
    i18n.defaultLocale = mkOption {
      type = types.str;
      default = "en_US.UTF-8";
      description = "The default locale.";
    };
    i18n.extraLocaleSettings = mkOption {
      type = types.attrsOf types.str;
      default = { };
      description = "Locale settings for individual categories (LC_TIME, ...).";
    };
    console.keyMap = mkOption {
      type = types.either types.str types.path;
      default = "us";
      description = "The keyboard mapping table for the virtual consoles.";
    };
  };
}
