# Stand-in for nixpkgs' pkgs/build-support/trivial-builders: writeText, runCommand,
# symlinkJoin and friends, with nixpkgs' arguments, built with the stand-in's stdenv; and
# buildEnv, as nixpkgs' pkgs/build-support/buildenv.
{ lib, stdenv }:
rec {
  runCommandWith =
    {
      name,
      derivationArgs ? { },
      ...
    }:
    buildCommand:
    stdenv.mkDerivation (
      {
        inherit name buildCommand;
        passAsFile = [ "buildCommand" ] ++ (derivationArgs.passAsFile or [ ]);
      }
      // removeAttrs derivationArgs [ "passAsFile" ]
    );

  runCommand =
    name: env:
    runCommandWith {
      inherit name;
      derivationArgs = env;
    };
  runCommandLocal = runCommand;
  runCommandNoCC = runCommand;

  writeTextFile =
    {
      name,
      text,
      executable ? false,
      destination ? "",
      checkPhase ? "",
      meta ? { },
      passthru ? { },
      ...
    }:
    runCommand name {
      inherit
        text
        executable
        checkPhase
        destination
        meta
        passthru
        ;
      passAsFile = [ "text" ];
    } ''target=$out${lib.escapeShellArg destination}; mkdir -p "$(dirname "$target")"; cp "$textPath" "$target"'';

  writeText =
    name: text:
    writeTextFile {
      inherit name text;
    };

  writeScript =
    name: text:
    writeTextFile {
      inherit name text;
      executable = true;
    };

  writeShellScript =
    name: text:
    writeTextFile {
      inherit name;
      executable = true;
      text = ''
        #!${stdenv.shell}
        ${text}
      '';
    };

  writeShellScriptBin =
    name: text:
    writeTextFile {
      inherit name;
      executable = true;
      destination = "/bin/${name}";
      text = ''
        #!${stdenv.shell}
        ${text}
      '';
      meta.mainProgram = name;
    };

  symlinkJoin =
    {
      name ? "${args.pname}-${args.version}",
      paths,
      postBuild ? "",
      ...
    }@args:
    runCommand name (
      removeAttrs args [
        "name"
        "postBuild"
      ]
      // {
        inherit paths postBuild;
      }
    ) ''mkdir -p $out; for i in $paths; do cp -rs "$i/." "$out/"; done; eval "$postBuild"'';

  # As nixpkgs' pkgs/build-support/buildenv: the paths merged, and a collision (two different
  # files at one path) fails the build, as `ignoreCollisions = false` and
  # `checkCollisionContents = true`, nixpkgs' defaults, have it (see buildenv/builder.sh).
  buildEnv =
    {
      name,
      paths,
      ignoreCollisions ? false,
      checkCollisionContents ? true,
      postBuild ? "",
      pathsToLink ? [ "/" ],
      extraOutputsToInstall ? [ ],
      passthru ? { },
      meta ? { },
      ...
    }:
    stdenv.mkDerivation {
      inherit
        name
        paths
        postBuild
        passthru
        meta
        ;
      ignoreCollisions = if ignoreCollisions then "1" else "";
      checkCollisionContents = if checkCollisionContents then "1" else "";
      preferLocalBuild = true;
      buildCommand = builtins.readFile ./buildenv/builder.sh;
    };
}
