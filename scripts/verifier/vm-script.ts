/**
 * What runs inside the boot level's virtual machine, and how its console is read. Pure.
 *
 * The initramfs's `/init` does what a NixOS system does with its modules at boot: the system's
 * merged module tree is at /run/booted-system/kernel-modules (and /run/current-system), the
 * modprobe configuration of boot.extraModprobeConfig is /etc/modprobe.d/nixos.conf, and each
 * module of boot.kernelModules is loaded in turn, a failure logged and the boot carried on (as
 * systemd-modules-load does). Then the guide's commands run, one by one, and the machine powers
 * off. Every step prints a marker line, so the console says what happened, and nothing is taken
 * for granted when it says nothing.
 */

/** Starts each marker line on the console. */
export const MARK = '@@nix-verify';

export interface VmPlan {
  /** boot.kernelModules, in order. */
  kernelModules: readonly string[];
  /** The commands to run after boot, each as the reader types it (a shell line). */
  commands: readonly string[];
}

/** The initramfs's /init: a shell script, run by dash, with busybox's tools and kmod's. */
export function initScript(plan: VmPlan): string {
  const commands = plan.commands.map((_, i) => `run ${i}`).join('\n');
  return `#!/bin/sh
export PATH=/usr/bin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# Everything from here on goes to the second serial port: the kernel's messages stay on the first.
exec > /dev/ttyS1 2>&1
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
# The kernel's messages from here on are the ones about the modules.
dmesg -c > /dev/null
echo "${MARK} booted $(uname -r)"
# As systemd-modules-load on NixOS: boot.kernelModules in order, failures logged.
echo "${MARK} modules-load"
while read -r module; do
  [ -n "$module" ] || continue
  modprobe "$module" 2>&1 || echo "${MARK} module-failed $module"
done < /etc/modules-load
echo "${MARK} modules-loaded"
run() {
  echo "${MARK} command $1"
  sh /commands/$1.sh 2>&1
  echo "${MARK} exit $1 $?"
}
${commands}
echo "${MARK} proc-modules"
cat /proc/modules
echo "${MARK} dmesg"
dmesg
echo "${MARK} end"
# Time for the serial console to send all of it before the machine is gone.
sleep 1
poweroff -f
`;
}

export interface ConsoleReading {
  /** The kernel release the machine booted, from `uname -r`; undefined if it never got there. */
  booted?: string;
  /** Modules of boot.kernelModules that did not load. */
  failedModules: string[];
  /** What loading boot.kernelModules printed (modprobe's errors). */
  modulesLoad: string;
  /** Each command's output (stdout and stderr as the console showed them) and exit status. */
  commands: Array<{ output: string; exit: number | null }>;
  /** Module names /proc/modules listed at the end. */
  loaded: string[];
  dmesg: string;
  /** Whether the script reached its end. */
  ended: boolean;
}

/** Reads the console of a run of `initScript`. */
export function readConsole(text: string, commandCount: number): ConsoleReading {
  const reading: ConsoleReading = { failedModules: [], modulesLoad: '', commands: Array.from({ length: commandCount }, () => ({ output: '', exit: null })), loaded: [], dmesg: '', ended: false };
  let section: { kind: 'command'; index: number } | { kind: 'proc-modules' } | { kind: 'dmesg' } | { kind: 'modules-load' } | undefined;
  const lines: string[] = [];
  const flush = () => {
    if (!section) return;
    const body = lines.join('\n');
    if (section.kind === 'command') reading.commands[section.index]!.output = body;
    else if (section.kind === 'proc-modules') reading.loaded = lines.map((l) => l.split(' ')[0]!).filter(Boolean);
    else if (section.kind === 'modules-load') reading.modulesLoad = body;
    else reading.dmesg = body;
    lines.length = 0;
  };
  for (const raw of text.replace(/\r/g, '').split('\n')) {
    // A marker may follow output that did not end its line.
    const at = raw.indexOf(`${MARK} `);
    if (at > 0 && section) lines.push(raw.slice(0, at));
    const marker = at >= 0 ? raw.slice(at + MARK.length + 1).split(' ') : undefined;
    if (!marker) {
      if (section) lines.push(raw);
      continue;
    }
    const [what, ...rest] = marker;
    if (what === 'booted') reading.booted = rest.join(' ');
    else if (what === 'module-failed') reading.failedModules.push(rest.join(' '));
    else if (what === 'command') {
      flush();
      section = { kind: 'command', index: Number(rest[0]) };
    } else if (what === 'exit') {
      flush();
      section = undefined;
      const command = reading.commands[Number(rest[0])];
      if (command) command.exit = Number(rest[1]);
    } else if (what === 'proc-modules' || what === 'dmesg' || what === 'modules-load') {
      flush();
      section = { kind: what };
    } else if (what === 'modules-loaded') {
      flush();
      section = undefined;
    } else if (what === 'end') {
      flush();
      section = undefined;
      reading.ended = true;
    }
  }
  flush();
  return reading;
}
