/**
 * The boot level's machine: a system's kernel booted in QEMU (no KVM needed) with an initramfs
 * that holds its merged module tree, its modprobe configuration, busybox, and kmod's own
 * `modprobe`, `modinfo` and `lsmod`, so that what the guide's commands print is what a NixOS
 * system prints. A machine marked as a Slimbook Hero gets the Hero's DMI strings and an ACPI
 * table that declares the driver's WMI interface (vm/slimbook-hero.asl); any other is a plain
 * PC, on which the driver must refuse to load. The machine has no network and no access to the
 * host's files.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { newcArchive, type CpioEntry } from './cpio.ts';
import { spawnProcess } from './nix.ts';
import { initScript, readConsole, type ConsoleReading, type VmPlan } from './vm-script.ts';

export type Machine = 'slimbook-hero' | 'plain';

export const MACHINES: Record<Machine, string> = {
  'slimbook-hero': 'a virtual Slimbook Hero (its DMI strings, and an ACPI table with the WMI interface of its embedded controller, which reads zeros)',
  plain: 'a plain virtual PC (no Slimbook DMI strings, no QC71 WMI interface)',
};

export interface BootRequest {
  /** The system's `kernel`: the kernel image (bzImage). */
  kernelImage: string;
  /** The system's `kernel-modules`: `lib/modules/<version>/…`. */
  moduleTree: string;
  modprobeConfig: string;
  plan: VmPlan;
  machine: Machine;
  /** A folder of this boot's own. */
  scratch: string;
  timeoutMs: number;
}

export type BootResult = { reading: ConsoleReading; console: string } | { fault: string };

const HERO_ASL = join(import.meta.dirname, 'vm/slimbook-hero.asl');
/** The Hero's DMI strings, as the driver's DMI table matches them (features.c). */
const HERO_SMBIOS = ['type=1,manufacturer=SLIMBOOK,product=HERO-RPL-RTX', 'type=2,manufacturer=SLIMBOOK,product=HERO-RPL-RTX'];
const KMOD_TOOLS = ['modprobe', 'modinfo', 'lsmod', 'insmod', 'rmmod', 'depmod'];

/** Why this machine cannot run the boot level (a program it lacks), or undefined if it can. */
export function bootUnavailable(): string | undefined {
  const missing = ['qemu-system-x86_64', 'busybox', 'dash', 'kmod', 'iasl', 'ldd'].filter((program) => !onPath(program));
  return missing.length ? `The boot level needs ${missing.map((p) => `\`${p}\``).join(', ')}, not installed here (Debian: qemu-system-x86, busybox-static, kmod, acpica-tools; scripts/setup-machine.sh installs them).` : undefined;
}

export async function bootMachine(request: BootRequest): Promise<BootResult> {
  const unavailable = bootUnavailable();
  if (unavailable) return { fault: unavailable };
  if (!existsSync(request.kernelImage)) return { fault: `The system has no kernel image at ${request.kernelImage}.` };
  await mkdir(request.scratch, { recursive: true });
  let entries: CpioEntry[];
  try {
    entries = [...(await toolEntries()), ...moduleEntries(request.moduleTree, request.plan.kernelModules), ...planEntries(request)];
  } catch (error) {
    return { fault: `The machine's initramfs could not be made: ${(error as Error).message}` };
  }
  const initrd = join(request.scratch, 'initrd.gz');
  const seen = new Set<string>();
  const unique = entries.filter((e) => !seen.has(e.path) && seen.add(e.path));
  await writeFile(initrd, gzipSync(newcArchive(unique), { level: 1 }));
  let table: string | undefined;
  if (request.machine === 'slimbook-hero') {
    const compiled = await compileTable(request.scratch);
    if ('fault' in compiled) return compiled;
    table = compiled.aml;
  }
  const kernelLog = join(request.scratch, 'kernel-console.log');
  const run = await spawnProcess(qemuCommand(request.kernelImage, initrd, kernelLog, table), { timeoutMs: request.timeoutMs });
  const console = run.stdout;
  const kernelSaid = () => tail(readFileSync(kernelLog, { encoding: 'utf8', flag: 'a+' }));
  if (run.fault) return { fault: `QEMU: ${run.fault}` };
  if (run.timedOut) return { fault: `The virtual machine did not power off within ${Math.round(request.timeoutMs / 1000)} s. Its console ended with:\n${tail(console)}\nThe kernel's ended with:\n${kernelSaid()}` };
  const reading = readConsole(console, request.plan.commands.length);
  if (!reading.booted) return { fault: `The kernel did not boot (QEMU exit ${run.ok ? 0 : 'non-zero'}); it said:\n${kernelSaid() || tail(run.stderr) || '(nothing)'}` };
  if (!reading.ended) return { fault: `The virtual machine stopped before its checks ended; its console ended with:\n${tail(console)}\nThe kernel's ended with:\n${kernelSaid()}` };
  return { reading, console };
}

/**
 * The QEMU command line of a boot: no KVM, no network. The kernel's console is the first serial
 * port, into `kernelLog`; what /init and the commands print goes to the second, on stdout, so
 * that no kernel message (an oops raises the console's level) lands in a command's output.
 */
export function qemuCommand(kernelImage: string, initrd: string, kernelLog: string, acpiTable?: string): string[] {
  const args = ['-machine', 'q35', '-m', '256', '-display', 'none', '-monitor', 'none', '-serial', `file:${kernelLog}`, '-serial', 'stdio', '-no-reboot', '-nic', 'none', '-kernel', kernelImage, '-initrd', initrd, '-append', 'console=ttyS0 panic=-1 quiet loglevel=1'];
  if (acpiTable) args.push(...HERO_SMBIOS.flatMap((s) => ['-smbios', s]), '-acpitable', `file=${acpiTable}`);
  return ['qemu-system-x86_64', ...args];
}

function tail(text: string): string {
  return text.replace(/\r/g, '').trim().split('\n').slice(-15).join('\n');
}

function onPath(program: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    const path = join(dir, program);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/**
 * busybox for the usual tools; dash for the shell (busybox's own shell would run its `modprobe`
 * and `lsmod` instead of kmod's, whatever the PATH says); kmod's module tools, run as NixOS has
 * them.
 */
async function toolEntries(): Promise<CpioEntry[]> {
  const busybox = realpathSync(onPath('busybox')!);
  const kmod = realpathSync(onPath('kmod')!);
  const dash = realpathSync(onPath('dash')!);
  const applets = (await spawnProcess([busybox, '--list'], { timeoutMs: 10_000 })).stdout.split('\n').filter((a) => a && a !== 'sh' && !KMOD_TOOLS.includes(a));
  const entries: CpioEntry[] = ['bin', 'usr', 'usr/bin', 'usr/libexec', 'usr/libexec/kmod', 'lib', 'lib64', 'etc', 'etc/modprobe.d', 'proc', 'sys', 'dev', 'tmp', 'run', 'commands'].map((path) => ({ path, kind: 'dir' as const }));
  entries.push({ path: 'bin/busybox', kind: 'file', data: readFileSync(busybox), executable: true });
  for (const applet of applets) entries.push({ path: `bin/${applet}`, kind: 'symlink', target: 'busybox' });
  entries.push({ path: 'bin/sh', kind: 'file', data: readFileSync(dash), executable: true });
  entries.push({ path: 'usr/libexec/kmod/kmod', kind: 'file', data: readFileSync(kmod), executable: true });
  for (const tool of KMOD_TOOLS) entries.push({ path: `usr/libexec/kmod/${tool}`, kind: 'symlink', target: 'kmod' });
  // NixOS's kmod looks for modules in the booted system's tree; Debian's is told where it is.
  const root = '/run/booted-system/kernel-modules';
  const wrapper = (tool: string, flags: string) => ({ path: `usr/bin/${tool}`, kind: 'file' as const, data: Buffer.from(`#!/bin/sh\nexec /usr/libexec/kmod/${tool} ${flags} "$@"\n`), executable: true });
  entries.push(wrapper('modprobe', `-d ${root}`), wrapper('modinfo', `-b ${root}`), wrapper('depmod', `-b ${root}`));
  for (const tool of ['lsmod', 'insmod', 'rmmod']) entries.push({ path: `usr/bin/${tool}`, kind: 'symlink', target: `/usr/libexec/kmod/${tool}` });
  // The libraries kmod and dash link against, where their loader looks for them.
  const libraries: string[] = [];
  for (const program of [kmod, dash]) {
    const ldd = await spawnProcess(['ldd', program], { timeoutMs: 10_000 });
    if (!ldd.ok) throw new Error(`ldd ${program} failed: ${ldd.stderr.trim()}`);
    libraries.push(...[...ldd.stdout.matchAll(/(\/\S+\.so[.\d]*)/g)].map((m) => m[1]!));
  }
  const dirs = new Set<string>();
  for (const library of new Set(libraries)) {
    const path = library.replace(/^\//, '');
    for (let dir = path.slice(0, path.lastIndexOf('/')); dir && !dirs.has(dir); dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/')))) dirs.add(dir);
    entries.push({ path, kind: 'file', data: readFileSync(library), executable: true });
  }
  entries.splice(0, 0, ...[...dirs].sort().map((path) => ({ path, kind: 'dir' as const })));
  return entries;
}

/** The system's module tree, followed through its links into the store; its `build` links are left out. */
/**
 * The system's module tree, followed through its links into the store: its index files, the
 * modules its packages install (`extra/`, `updates/`), those boot.kernelModules names, and what
 * they need (modules.dep). A NixOS kernel's thousands of other modules stay out: the machine
 * has 256 MiB. Its `build` links are left out.
 */
function moduleEntries(tree: string, wanted: readonly string[]): CpioEntry[] {
  const entries: CpioEntry[] = ['run/booted-system', 'run/booted-system/kernel-modules'].map((path) => ({ path, kind: 'dir' as const }));
  entries.push({ path: 'run/current-system', kind: 'symlink', target: 'booted-system' });
  const modules = join(tree, 'lib/modules');
  if (!existsSync(modules)) return entries;
  const name = (path: string) => path.replace(/^.*\//, '').replace(/\.ko(\.\w+)?$/, '').replaceAll('-', '_');
  const names = new Set(wanted.map(name));
  entries.push({ path: 'run/booted-system/kernel-modules/lib', kind: 'dir' }, { path: 'run/booted-system/kernel-modules/lib/modules', kind: 'dir' });
  for (const version of readdirSync(modules)) {
    const root = join(modules, version);
    // modules.dep: `kernel/drivers/x.ko: kernel/y.ko kernel/z.ko`, paths relative to the version's folder.
    const deps = new Map<string, string[]>();
    const depFile = join(root, 'modules.dep');
    if (existsSync(depFile)) {
      for (const line of readFileSync(depFile, 'utf8').split('\n')) {
        const [module, rest] = line.split(':');
        if (module) deps.set(module, (rest ?? '').trim().split(/\s+/).filter(Boolean));
      }
    }
    const files = new Set<string>();
    const add = (module: string) => {
      if (files.has(module)) return;
      files.add(module);
      for (const dep of deps.get(module) ?? []) add(dep);
    };
    for (const module of deps.keys()) if (/^(extra|updates)\//.test(module) || names.has(name(module))) add(module);
    const target = `run/booted-system/kernel-modules/lib/modules/${version}`;
    entries.push({ path: target, kind: 'dir' });
    const walk = (from: string, relative: string) => {
      for (const entry of readdirSync(join(root, from))) {
        if (!from && (entry === 'build' || entry === 'source')) continue;
        const path = from ? `${from}/${entry}` : entry;
        if (statSync(join(root, path)).isDirectory()) {
          entries.push({ path: `${relative}/${entry}`, kind: 'dir' });
          walk(path, `${relative}/${entry}`);
        } else if (!/\.ko(\.\w+)?$/.test(entry) || files.has(path) || !deps.has(path)) {
          entries.push({ path: `${relative}/${entry}`, kind: 'file', data: readFileSync(join(root, path)) });
        }
      }
    };
    walk('', target);
  }
  return entries;
}

function planEntries(request: BootRequest): CpioEntry[] {
  const text = (path: string, data: string, executable = false): CpioEntry => ({ path, kind: 'file', data: Buffer.from(data), executable });
  return [
    text('init', initScript(request.plan), true),
    text('etc/modprobe.d/nixos.conf', request.modprobeConfig),
    text('etc/modules-load', request.plan.kernelModules.map((m) => `${m}\n`).join('')),
    ...request.plan.commands.map((command, i) => text(`commands/${i}.sh`, `${command}\n`)),
  ];
}

/** The Hero's ACPI table, compiled with iasl from the source in the repository. */
async function compileTable(scratch: string): Promise<{ aml: string } | { fault: string }> {
  const prefix = join(scratch, 'slimbook-hero');
  const compiled = await spawnProcess(['iasl', '-p', prefix, HERO_ASL], { timeoutMs: 60_000 });
  if (!compiled.ok || !existsSync(`${prefix}.aml`)) return { fault: `iasl could not compile ${HERO_ASL}:\n${(compiled.fault ?? compiled.stdout + compiled.stderr).trim()}` };
  return { aml: `${prefix}.aml` };
}
