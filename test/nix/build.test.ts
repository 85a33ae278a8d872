/**
 * The build level, for real: a kernel module the project wrote (test/fixtures/build) is
 * compiled against the stand-in's Linux tree, which is built from Debian's linux-source.
 * Needs Nix and the kernel source (CI installs both).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runVerifier, type Edit, type VerifierRun } from './run-verifier.ts';
import { STANDIN } from './standin-tools.ts';

const BUILD = ['--offline', '--level', 'build'];
/** A compiler error in the sources is at the line that chose them. */
const SRC = '  src = ./src;';
let run: VerifierRun | undefined;
afterEach(async () => {
  await run?.cleanup();
  run = undefined;
});

function build(edits: Edit[] = [], prepare?: (dir: string) => Promise<void>) {
  return runVerifier('build', ['module.md'], edits, BUILD, {}, prepare);
}

/**
 * Appends to the page a copy of its package block, shown as failing with the compiler's
 * "'undeclared_thing' undeclared"; `broken` makes the copy really fail that way.
 */
function withPackageCopy({ broken }: { broken: boolean }) {
  const fence = '```nix flake="hello" title="hello.nix"';
  return async (dir: string) => {
    const path = join(dir, 'pages/module.md');
    const text = await readFile(path, 'utf8');
    let copy = text.slice(text.indexOf(fence)).replace(fence, `${fence} fails="'undeclared_thing' undeclared"`);
    if (broken) copy = copy.replace('  src = ./src;', '  src = ./src;\n\n  postPatch = \'\'\n    substituteInPlace hello.c --replace-fail "return 0;" "return undeclared_thing;"\n  \'\';');
    await writeFile(path, `${text}\nThe same package, ${broken ? 'broken' : 'once broken'}:\n\n${copy}`);
  };
}

/** Drift at a line of the package's block: `pname` by default, `src` for what its sources do. */
async function expectBuildDriftAtPackage(r: VerifierRun, reason: RegExp, needle = '  pname = "hello-module";') {
  expect(r.exitCode, r.stderr).toBe(1);
  const line = await r.lineOf('module.md', needle);
  const found = r.report!.diagnostics.find((d) => d.file === r.pagePath('module.md') && d.place?.line === line);
  expect(found, `no diagnostic at module.md:${line} in:\n${r.stderr}`).toBeDefined();
  expect(found!.reason).toMatch(reason);
  expect(r.stderr).toContain(`${r.pagePath('module.md')}:${line}:`);
  return found!;
}

describe('a kernel module at the build level', () => {
  it('compiles against the stand-in’s real kernel tree, and is installed for that kernel', async () => {
    run = await build();
    expect(run.exitCode, run.stderr).toBe(0);
    const report = run.report!;
    expect(report.blocks.map((b) => `${b.status}:${b.level}`)).toEqual(['verified:build', 'verified:build']);
    expect(report.nixpkgs).toMatchObject({ kind: 'standin', kernel: expect.stringMatching(/^Linux 6\.12\.\d+ and Linux [7-9]\.\d+\.\d+ \(Debian sources, NixOS-like configuration\)$/) });
    // The system's default kernel: Linux 6.12.
    expect(report.builtAgainst).toEqual([expect.stringMatching(/^Linux 6\.12\.\d+$/)]);
    // The claim is checked on the built output: extra/hello.ko with a vermagic naming the kernel.
    expect(report.flakes[0]!.checks).toEqual([{ name: "hello.ko is built for the system's kernel", status: 'verified' }]);
  });

  it('reports a C error at the package’s block, with the compiler’s message and the file inside the source', async () => {
    run = await build([], async (dir) => {
      const file = join(dir, 'flakes/hello/src/hello.c');
      await writeFile(file, (await readFile(file, 'utf8')).replace('return 0;', 'return undeclared_thing;'));
    });
    const found = await expectBuildDriftAtPackage(run, /`hello-module-1\.0` does not build, the compiler says:\n\s+hello\.c:\d+:\d+: error: 'undeclared_thing' undeclared/, SRC);
    expect(found.reason).not.toMatch(/\/nix\/store\/[0-9a-z]{32}-[^ ]*hello\.c/);
    expect(found.reason).toContain('nix log /nix/store/');
  });

  it('puts a patch that no longer applies at postPatch, and a failed install at installPhase', async () => {
    const patch = { page: 'module.md', from: '  src = ./src;\n', to: `  src = ./src;\n\n  postPatch = ''\n    substituteInPlace hello.c --replace-fail "no such text" "other text"\n  '';\n` };
    run = await build([patch]);
    await expectBuildDriftAtPackage(run, /`hello-module-1\.0` does not build; the log ends with:[\s\S]*no such text/, '  postPatch = \'\'');
    await run.cleanup();
    run = await build([{ page: 'module.md', from: 'install -D hello.ko', to: 'install -D hello-world.ko' }]);
    await expectBuildDriftAtPackage(run, /cannot stat 'hello-world\.ko'/, "  installPhase = ''");
  });

  it('builds a package that says it is a kernel the stand-in cannot build', async () => {
    const claim = { page: 'module.md', from: '  src = ./src;\n', to: '  src = ./src;\n  standinNoSource = "offline stand-in: no source for Linux 1.0. None is built.";\n' };
    run = await build([claim], async (dir) => {
      const file = join(dir, 'flakes/hello/src/hello.c');
      await writeFile(file, (await readFile(file, 'utf8')).replace('return 0;', 'return undeclared_thing;'));
    });
    await expectBuildDriftAtPackage(run, /`hello-module-1\.0` does not build, the compiler says:\n\s+hello\.c:\d+:\d+: error: 'undeclared_thing' undeclared/, SRC);
    expect(run.report!.flakes[0]!.notBuilt).toEqual([]);
  });

  it('catches a module installed for another kernel', async () => {
    run = await build([{ page: 'module.md', from: '$out/lib/modules/${kernel.modDirVersion}/extra', to: '$out/lib/modules/6.1.0/extra' }]);
    const found = await expectBuildDriftAtPackage(run, /installs no kernel module under lib\/modules\/6\.12\.\d+\/.*it installed lib\/modules\/6\.1\.0\/extra\/hello\.ko/s);
    expect(found.ruleId).toBe('build');
    expect(run.report!.flakes[0]!.checks).toEqual([{ name: "hello.ko is built for the system's kernel", status: 'failed' }]);
  });

  it('fails a system whose module trees collide at the line that sets boot.extraModulePackages', async () => {
    const twin = '((config.boot.kernelPackages.callPackage ./hello.nix { }).overrideAttrs { postInstall = "echo >> $out/lib/modules/*/extra/hello.ko"; pname = "hello-twin"; })';
    run = await build([{ page: 'module.md', from: '                (config.boot.kernelPackages.callPackage ./hello.nix { })\n', to: `                (config.boot.kernelPackages.callPackage ./hello.nix { })\n                ${twin}\n` }]);
    expect(run.exitCode, run.stderr).toBe(1);
    const line = await run.lineOf('module.md', 'boot.extraModulePackages = [');
    expect(run.report!.diagnostics).toEqual([
      expect.objectContaining({
        file: run.pagePath('module.md'),
        place: expect.objectContaining({ line }),
        ruleId: 'build',
        reason: expect.stringMatching(/^The system's module tree, `kernel-modules`, does not build; the log ends with:\n.*collision between `\/nix\/store\/[0-9a-z]{32}-hello-twin-1\.0\/lib\/modules\/6\.12\.\d+\/extra\/hello\.ko'/s),
      }),
    ]);
  });

  it('builds in a folder kbuild can use when TMPDIR has a space: the machine never changes a result', async () => {
    const odd = await mkdtemp(join(tmpdir(), 'odd tmp #1-'));
    try {
      // A module no store holds yet, so that it is built now, not found built.
      run = await runVerifier('build', ['module.md'], [], BUILD, { TMPDIR: odd }, async (dir) => {
        const file = join(dir, 'flakes/hello/src/hello.c');
        await writeFile(file, `${await readFile(file, 'utf8')}// ${Date.now()}-${Math.random()}\n`);
      });
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.report!.flakes[0]).toMatchObject({ level: 'build', status: 'verified' });
    } finally {
      await rm(odd, { recursive: true, force: true });
    }
  });

  it('holds an expected build failure to its message', async () => {
    const page = withPackageCopy({ broken: true });
    run = await build([], page);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.report!.blocks.find((b) => b.role === 'expected-failure')).toMatchObject({ status: 'verified', level: 'build' });

    await run.cleanup();
    run = await build([], async (dir) => {
      await page(dir);
      const path = join(dir, 'pages/module.md');
      await writeFile(path, (await readFile(path, 'utf8')).replace("fails=\"'undeclared_thing' undeclared\"", 'fails="some other error"'));
    });
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/shown as failing with `some other error`, but it failed with something else:\n\s+hello\.c:\d+:\d+: error: 'undeclared_thing' undeclared/);
  });
});

describe('the offline stand-in without a kernel source', () => {
  const NONE = [...BUILD, '--kernel-source', 'none'];

  it('is an environment problem at the build level in CI: nothing would be built', async () => {
    run = await runVerifier('build', ['module.md'], [], NONE, { CI: 'true' });
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/no kernel to build modules against: none was given \(--kernel-source none\)\.\s+In CI this is an error/);
  });

  it('elsewhere says so loudly and reports the module as not built, never as built', async () => {
    run = await runVerifier('build', ['module.md'], [], NONE);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/!!! The offline stand-in has no kernel to build modules against[\s\S]*!!! Modules are evaluated, not built\./);
    const flake = run.report!.flakes[0]!;
    const reason = expect.stringMatching(/^offline stand-in: no source for Linux 6\.12\.\d+\./);
    expect(flake.notBuilt).toEqual([
      { name: 'hello-module-1.0 in boot.extraModulePackages of machine', reason },
      { name: 'nixosConfigurations.machine.config.system.build.toplevel', reason },
    ]);
    expect(flake.builtAgainst).toEqual([]);
    expect(run.report!.blocks.map((b) => b.level)).toEqual(['fetch', 'fetch']);
  });
});

/** A package for the kernel set `set` beside the system's default one. */
const besideDefault = (set: string): Edit => ({
  page: 'module.md',
  from: '      nixosConfigurations.machine',
  to: `      packages.x86_64-linux.other = nixpkgs.legacyPackages.x86_64-linux.${set}.callPackage ./hello.nix { };\n\n      nixosConfigurations.machine`,
});

describe('the kernel matrix', () => {
  it('builds for linuxPackages_latest too, against the newest kernel source, and names both kernels', async () => {
    run = await build([besideDefault('linuxPackages_latest')]);
    expect(run.exitCode, run.stderr).toBe(0);
    const flake = run.report!.flakes[0]!;
    expect(flake.notBuilt).toEqual([]);
    expect(flake.builtAgainst).toEqual([expect.stringMatching(/^Linux 6\.12\.\d+$/), expect.stringMatching(/^Linux [7-9]\.\d+\.\d+$/)]);
    expect(run.report!.builtAgainst).toEqual(flake.builtAgainst);
    expect(run.report!.nixpkgs).toMatchObject({ kernel: expect.stringMatching(/^Linux 6\.12\.\d+ and Linux [7-9]\.\d+\.\d+ \(Debian sources, NixOS-like configuration\)$/) });
  });

  it('refuses two sources for one kernel series', async () => {
    const source = '/usr/src/linux-source-6.12.tar.xz';
    run = await runVerifier('build', ['module.md'], [], [...BUILD, '--kernel-source', source, '--kernel-source', source]);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain(`The kernel sources ${source} and ${source} are both Linux 6.12: give one source per kernel series.`);
  });
});

describe('a kernel the offline stand-in has no source for', () => {
  // nixpkgs' Linux 6.18, for which the stand-in has no source.
  const both = besideDefault('linuxPackages_6_18');
  const latest = {
    page: 'module.md',
    from: '          ./hardware-configuration.nix\n',
    to: '          ./hardware-configuration.nix\n          ({ pkgs, ... }: { boot.kernelPackages = pkgs.linuxPackages_6_18; })\n',
  };

  it('is evaluated, not built, and every report says so instead of calling it built', async () => {
    run = await runVerifier('build', ['module.md'], [latest], BUILD, { CI: 'true' });
    // A limit of the stand-in, not drift, and not an environment problem even in CI.
    expect(run.exitCode, run.stderr).toBe(0);
    const flake = run.report!.flakes[0]!;
    const reason = expect.stringMatching(/^offline stand-in: no source for Linux 6\.18\.\d+\./);
    expect(flake.notBuilt).toEqual([
      { name: 'hello-module-1.0 in boot.extraModulePackages of machine', reason },
      { name: 'nixosConfigurations.machine.config.system.build.toplevel', reason },
    ]);
    expect(flake.level).toBe('fetch');
    expect(flake.builtAgainst).toEqual([]);
    // The claim about the built module is not run: nothing was built to look at.
    expect(flake.checks).toEqual([{ name: "hello.ko is built for the system's kernel", status: 'not-run' }]);
    expect(run.report!.blocks.map((b) => `${b.status}:${b.level}`)).toEqual(['verified:fetch', 'verified:fetch']);
    expect(run.stderr).toMatch(/NOT BUILT here: hello-module-1\.0 in boot\.extraModulePackages of machine of flake `hello` \(evaluated only\): offline stand-in: no source for Linux 6\.18/);
  });

  it('does not hide a build that fails for the kernel the stand-in has', async () => {
    // Both kernels: the default one is built and fails; the other is not built.
    run = await build([both], async (dir) => {
      const file = join(dir, 'flakes/hello/src/hello.c');
      await writeFile(file, (await readFile(file, 'utf8')).replace('return 0;', 'return undeclared_thing;'));
    });
    await expectBuildDriftAtPackage(run, /`hello-module-1\.0` does not build, the compiler says:\n\s+hello\.c:\d+:\d+: error: 'undeclared_thing' undeclared/, SRC);
  });

  it('does not excuse an expected failure that a built kernel shows no longer fails', async () => {
    // The default kernel is built and the other is not: the built one is enough to see that
    // the mistake the page shows compiles now.
    const page = withPackageCopy({ broken: false });
    run = await runVerifier('build', ['module.md'], [both], BUILD, { CI: 'true' }, page);
    expect(run.exitCode, run.stderr).toBe(1);
    const block = run.report!.blocks.find((b) => b.role === 'expected-failure')!;
    expect(block.status).toBe('failed');
    expect(run.report!.diagnostics).toContainEqual(
      expect.objectContaining({ ruleId: 'expected-failure', place: expect.objectContaining({ line: block.line }), reason: expect.stringMatching(/but Nix evaluated and built it without error/) }),
    );
  });

  it('is a failed build with any nixpkgs but the stand-in', async () => {
    // The same tree given as a checkout (--nixpkgs): its refusal is not the stand-in's to excuse.
    run = await runVerifier('build', ['module.md'], [latest], ['--nixpkgs', STANDIN, '--level', 'build']);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.report!.flakes[0]!.notBuilt).toEqual([]);
    const line = await run.lineOf('module.md', '{\n  inputs.nixpkgs.url');
    expect(run.report!.diagnostics).toContainEqual(
      expect.objectContaining({ file: run.pagePath('module.md'), place: expect.objectContaining({ line }), ruleId: 'build', reason: expect.stringMatching(/^`linux-6\.18\.\d+` does not build; the log ends with:[\s\S]*no source for Linux 6\.18/) }),
    );
  });

  it('leaves an expected build failure for it not run, saying why, and fails it with any other nixpkgs', async () => {
    const page = withPackageCopy({ broken: true });
    run = await runVerifier('build', ['module.md'], [latest], BUILD, { CI: 'true' }, page);
    expect(run.exitCode, run.stderr).toBe(0);
    const block = run.report!.blocks.find((b) => b.role === 'expected-failure')!;
    expect(block).toMatchObject({ status: 'not-run', level: null });
    expect(block.message).toMatch(/^Not checked here: it evaluates, and the offline stand-in cannot build hello-module-1\.0 in boot\.extraModulePackages of machine \(offline stand-in: no source for Linux 6\.18/);

    await run.cleanup();
    run = await runVerifier('build', ['module.md'], [latest], ['--nixpkgs', STANDIN, '--level', 'build'], {}, page);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/shown as failing with `'undeclared_thing' undeclared`, but it failed with something else:[\s\S]*no source for Linux 6\.18/);
  });
});

