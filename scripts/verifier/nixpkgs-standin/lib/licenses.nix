# Stand-in for nixpkgs' lib/licenses.nix: a few licenses, with the same fields
# (spdxId, shortName, fullName, url, free, redistributable, deprecated).
{ lib }:
let
  mkLicense =
    shortName:
    {
      spdxId ? null,
      fullName,
      free ? true,
      ...
    }@attrs:
    {
      inherit shortName fullName free;
      redistributable = attrs.redistributable or free;
      deprecated = false;
    }
    // lib.optionalAttrs (spdxId != null) {
      inherit spdxId;
      url = "https://spdx.org/licenses/${spdxId}.html";
    };
in
lib.mapAttrs mkLicense {
  asl20 = {
    spdxId = "Apache-2.0";
    fullName = "Apache License 2.0";
  };
  bsd3 = {
    spdxId = "BSD-3-Clause";
    fullName = ''BSD 3-clause "New" or "Revised" License'';
  };
  gpl2Only = {
    spdxId = "GPL-2.0-only";
    fullName = "GNU General Public License v2.0 only";
  };
  gpl2Plus = {
    spdxId = "GPL-2.0-or-later";
    fullName = "GNU General Public License v2.0 or later";
  };
  gpl3Only = {
    spdxId = "GPL-3.0-only";
    fullName = "GNU General Public License v3.0 only";
  };
  gpl3Plus = {
    spdxId = "GPL-3.0-or-later";
    fullName = "GNU General Public License v3.0 or later";
  };
  lgpl21Plus = {
    spdxId = "LGPL-2.1-or-later";
    fullName = "GNU Lesser General Public License v2.1 or later";
  };
  mit = {
    spdxId = "MIT";
    fullName = "MIT License";
  };
  unfree = {
    fullName = "Unfree";
    free = false;
  };
  unfreeRedistributableFirmware = {
    fullName = "Unfree redistributable firmware";
    free = false;
    redistributable = true;
  };
}
