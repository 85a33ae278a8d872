/**
 * The boot level, for real: each system's kernel boots in QEMU (no KVM), with its module tree,
 * its modprobe configuration and boot.kernelModules loaded as NixOS loads them; command blocks
 * marked with a host run inside it. Needs Nix, the kernel sources, QEMU, busybox, dash and iasl
 * (scripts/setup-machine.sh installs them; CI runs it).
 */
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GUIDE, GUIDE_PAGES, runVerifier, type Edit, type VerifierRun } from './run-verifier.ts';

const BOOT = ['--offline', '--level', 'boot'];
const SOURCES = ['--sources', resolve(import.meta.dirname, '../../../shared/sources')];
let run: VerifierRun | undefined;
afterEach(async () => {
  await run?.cleanup();
  run = undefined;
});

const hello = (edits: Edit[] = [], args: string[] = [], prepare?: (dir: string) => Promise<void>) => runVerifier('boot', ['hello.md'], edits, [...BOOT, ...args], {}, prepare);

async function expectBootDrift(r: VerifierRun, page: string, needle: string, reason: RegExp) {
  expect(r.exitCode, r.stderr).toBe(1);
  const line = await r.lineOf(page, needle);
  const found = r.report!.diagnostics.find((d) => d.file === r.pagePath(page) && d.place?.line === line && reason.test(d.reason));
  expect(found, `no diagnostic matching ${reason} at ${page}:${line} in:\n${r.stderr}`).toBeDefined();
  expect(found!.ruleId).toBe('boot');
  return found!;
}

describe('a system booted in the boot level’s machine', () => {
  it('loads its module with the modprobe configuration, and runs the commands of its host', async () => {
    run = await hello();
    expect(run.exitCode, run.stderr).toBe(0);
    const flake = run.report!.flakes.find((f) => f.name === 'hello')!;
    expect(flake).toMatchObject({ level: 'boot', status: 'verified' });
    expect(flake.booted).toEqual([{ host: 'machine', machine: 'plain', description: expect.stringMatching(/^a plain virtual PC/), kernel: expect.stringMatching(/^6\.12\.\d+$/) }]);
    expect(flake.checks).toEqual([{ name: 'hello is loaded after boot', status: 'verified' }]);
    const command = run.report!.blocks.find((b) => b.role === 'command')!;
    expect(command).toMatchObject({ status: 'verified', level: 'boot' });
  });

  it('fails a command whose output in the machine changed, at its line', async () => {
    run = await hello([{ page: 'hello.md', from: 'options hello greeting=world', to: 'options hello greeting=mars' }]);
    const found = await expectBootDrift(run, 'hello.md', '$ cat /sys/module/hello/parameters/greeting', /The output of this command changed, on a plain virtual PC/);
    expect(found.reason).toContain('The page shows:\n    world\nThe machine printed:\n    mars');
  });

  it('fails a module whose init fails at boot, at the block of its package, with what the machine said', async () => {
    run = await hello([{ page: 'hello.md', from: 'options hello greeting=world', to: 'options hello greeting=world refuse=1' }]);
    const found = await expectBootDrift(run, 'hello.md', '  pname = "hello-module";', /^`hello`, in boot\.kernelModules of `machine`, did not load/);
    expect(found.reason).toContain("modprobe: ERROR: could not insert 'hello': No such device");
    expect(found.reason).toContain('hello: refusing to load');
    expect(run.report!.flakes.find((f) => f.name === 'hello')!.checks).toEqual([{ name: 'hello is loaded after boot', status: 'failed' }]);
  });

  it('fails a module that uses a symbol the kernel does not export, at build', async () => {
    run = await hello([], [], async (dir) => {
      const file = join(dir, 'flakes/hello/src/hello.c');
      const text = await readFile(file, 'utf8');
      await writeFile(file, text.replace('static int __init hello_init(void)\n{', 'extern int nix_verify_unexported(void);\n\nstatic int __init hello_init(void)\n{\n\tnix_verify_unexported();'));
    });
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.report!.diagnostics).toContainEqual(expect.objectContaining({ ruleId: 'build', reason: expect.stringMatching(/"nix_verify_unexported" \[.*hello\.ko\] undefined/) }));
  });

  it('is an environment problem when the machine does not finish in time', async () => {
    run = await hello([{ page: 'hello.md', from: '$ lsmod | grep hello', to: '$ sleep 600' }], ['--timeout', '20']);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/Booting `machine`: The virtual machine did not power off within 20 s/);
    expect(run.report).toBeUndefined();
  });
});

describe('the guide’s driver', () => {
  it('loads on the virtual Slimbook Hero', async () => {
    run = await runVerifier('boot-driver', ['driver.md'], [], [...BOOT, ...SOURCES]);
    expect(run.exitCode, run.stderr).toBe(0);
    const flake = run.report!.flakes.find((f) => f.name === 'driver')!;
    expect(flake.booted).toEqual([expect.objectContaining({ host: 'hero', machine: 'slimbook-hero' })]);
    expect(flake.checks).toContainEqual({ name: 'qc71_laptop is loaded after boot', status: 'verified' });
  });

  it('refuses a plain virtual PC with its own message, at the block of its package', async () => {
    run = await runVerifier('boot-driver', ['driver.md'], [], [...BOOT, ...SOURCES], {}, (dir) => writeFile(join(dir, 'flakes/driver.json'), '{ "machines": { "hero": "plain" } }\n'));
    const found = await expectBootDrift(run, 'driver.md', '  pname = "qc71-slimbook-laptop";', /did not load on a plain virtual PC/);
    expect(found.reason).toContain('WMI GUID not found');
  });
});

describe('a machine that cannot boot is the machine’s problem, never a pass', () => {
  let bin: string | undefined;
  afterEach(async () => {
    if (bin) await rm(bin, { recursive: true, force: true });
    bin = undefined;
  });

  /** A folder of programs to put first on PATH: `qemu-system-x86_64` as `script`, or none at all. */
  async function programs(qemu: string | null): Promise<Record<string, string>> {
    bin = await mkdtemp(join(tmpdir(), 'boot-bin-'));
    if (qemu !== null) {
      await writeFile(join(bin, 'qemu-system-x86_64'), `#!/bin/sh\n${qemu}\n`);
      await chmod(join(bin, 'qemu-system-x86_64'), 0o755);
      return { PATH: `${bin}:${process.env.PATH}` };
    }
    // Everything of /usr/bin but QEMU and Debian 12's Nix (/bin is /usr/bin), and the current Nix from its own folder.
    const tools = join(bin, 'tools');
    await mkdir(tools);
    for (const name of await readdir('/usr/bin')) if (name !== 'qemu-system-x86_64' && !name.startsWith('nix')) await symlink(join('/usr/bin', name), join(tools, name));
    const nixDirs = (process.env.PATH ?? '').split(':').filter((d) => d && d !== '/usr/bin' && d !== '/bin');
    return { PATH: [tools, ...nixDirs].join(':') };
  }

  it('without QEMU, --level boot is exit 2, and the default level is build, saying why', async () => {
    const env = await programs(null);
    run = await runVerifier('boot', ['hello.md'], [], BOOT, env);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain('The boot level needs `qemu-system-x86_64`, not installed here');
    await run.cleanup();
    run = await runVerifier('boot', ['hello.md'], [], ['--offline'], env, undefined, { defaultLevel: true });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.report!.levelRequested).toBe('build');
    expect(run.stderr).toMatch(/!!! The boot level needs `qemu-system-x86_64`[\s\S]*!!! Verifying at the build level: no system is booted\./);
  });

  it('a machine whose console says nothing is exit 2', async () => {
    run = await runVerifier('boot', ['hello.md'], [], BOOT, await programs('exit 0'));
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/Booting `machine`: The kernel did not boot/);
  });
});

describe('the guide’s runtime blocks', () => {
  it('fail when the machine reads another value than the page shows: the options page’s sysfs block, at its line', async () => {
    const needle = '$ cat /sys/module/qc71_laptop/parameters/nolightbar\nY';
    run = await runVerifier(GUIDE, GUIDE_PAGES, [{ page: 'options.mdx', from: needle, to: needle.replace(/Y$/, 'N') }], [...BOOT, ...SOURCES]);
    expect(run.exitCode, run.stderr).toBe(1);
    const line = await run.lineOf('options.mdx', '$ cat /sys/module/qc71_laptop/parameters/nolightbar');
    expect(run.report!.diagnostics).toEqual([
      expect.objectContaining({ file: run.pagePath('options.mdx'), place: expect.objectContaining({ line }), ruleId: 'boot', reason: expect.stringContaining('The page shows:\n    N\nThe machine printed:\n    Y') }),
    ]);
  });
});
