# Stand-in for nixpkgs' fetchers (fetchurl, fetchzip, fetchFromGitHub, fetchgit):
# fixed-output derivations with nixpkgs' names and hash modes, so their output
# paths are the ones real nixpkgs computes for the same hash. Their builder never
# touches the network: it fails, saying the stand-in cannot fetch.
{ lib, hostPlatform }:
let
  cannotFetch = what: [
    "-c"
    "echo 'nixpkgs stand-in: cannot fetch ${what}: this is an offline stand-in for nixpkgs and never downloads anything.' >&2; exit 1"
  ];

  # An SRI `hash`, or a legacy `sha256`; nixpkgs treats an empty hash as a
  # request for the fake one.
  hashAttrs =
    {
      hash ? null,
      sha256 ? null,
    }:
    if hash != null && hash != "" then
      { outputHash = hash; }
    else if sha256 != null && sha256 != "" then
      {
        outputHash = sha256;
        outputHashAlgo = "sha256";
      }
    else
      { outputHash = lib.fakeHash; };

  fixedOutput =
    {
      name,
      what,
      mode,
      hashArgs,
      passthru ? { },
      meta ? { },
    }:
    let
      drv = derivation (
        {
          inherit name;
          system = hostPlatform.system;
          builder = "/bin/sh";
          args = cannotFetch what;
          outputHashMode = mode;
          preferLocalBuild = true;
        }
        // hashAttrs hashArgs
      );
    in
    drv // passthru // { inherit meta; };
in
rec {
  fetchurl =
    {
      url ? null,
      urls ? [ ],
      name ? baseNameOf (toString (if url != null then url else builtins.head urls)),
      hash ? null,
      sha256 ? null,
      passthru ? { },
      meta ? { },
      ...
    }:
    let
      allUrls = lib.optional (url != null) url ++ urls;
    in
    fixedOutput {
      inherit name passthru meta;
      what = builtins.head allUrls;
      mode = "flat";
      hashArgs = { inherit hash sha256; };
    }
    // {
      url = builtins.head allUrls;
      urls = allUrls;
    };

  fetchzip =
    {
      url ? null,
      urls ? [ ],
      name ? "source",
      hash ? null,
      sha256 ? null,
      passthru ? { },
      meta ? { },
      ...
    }:
    let
      allUrls = lib.optional (url != null) url ++ urls;
    in
    fixedOutput {
      inherit name passthru meta;
      what = builtins.head allUrls;
      mode = "recursive";
      hashArgs = { inherit hash sha256; };
    }
    // {
      url = builtins.head allUrls;
    };

  fetchgit =
    {
      url,
      rev ? null,
      tag ? null,
      name ? "source",
      hash ? null,
      sha256 ? null,
      passthru ? { },
      meta ? { },
      ...
    }:
    fixedOutput {
      inherit name passthru meta;
      what = "${url} at ${if tag != null then "refs/tags/${tag}" else toString rev}";
      mode = "recursive";
      hashArgs = { inherit hash sha256; };
    }
    // {
      inherit url rev tag;
    };

  fetchFromGitHub =
    {
      owner,
      repo,
      rev ? null,
      tag ? null,
      name ? "source",
      hash ? null,
      sha256 ? null,
      fetchSubmodules ? false,
      githubBase ? "github.com",
      passthru ? { },
      meta ? { },
      ...
    }:
    assert lib.assertMsg (
      (rev == null) != (tag == null)
    ) "fetchFromGitHub requires one of either `rev` or `tag` to be provided (not both).";
    let
      revWithTag = if tag != null then "refs/tags/${tag}" else rev;
      baseUrl = "https://${githubBase}/${owner}/${repo}";
    in
    fixedOutput {
      inherit name;
      what = "${baseUrl} at ${revWithTag}";
      mode = "recursive";
      hashArgs = { inherit hash sha256; };
      meta = {
        homepage = baseUrl;
      }
      // meta;
      passthru = {
        gitRepoUrl = "${baseUrl}.git";
      }
      // passthru;
    }
    // {
      inherit owner repo tag;
      rev = revWithTag;
      url = "${baseUrl}/archive/${revWithTag}.tar.gz";
    };
}
