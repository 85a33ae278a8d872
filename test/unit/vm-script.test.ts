import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { newcArchive } from '../../scripts/verifier/cpio.ts';
import { initScript, MARK, readConsole } from '../../scripts/verifier/vm-script.ts';

describe('newcArchive', () => {
  it('writes newc headers, names and data padded to four bytes, and the trailer', () => {
    const archive = newcArchive([
      { path: 'bin', kind: 'dir' },
      { path: '/bin/hello', kind: 'file', data: Buffer.from('hi\n'), executable: true },
      { path: 'bin/sh', kind: 'symlink', target: 'busybox' },
    ]);
    const text = gunzipSync(gzipSync(archive)).toString('latin1');
    expect(text.startsWith('070701')).toBe(true);
    expect(archive.length % 4).toBe(0);
    // Header fields: magic, ino, mode, uid, gid, nlink, mtime, filesize, …, namesize.
    const hello = text.indexOf('bin/hello\0');
    const header = text.slice(hello - 110, hello);
    expect(header.slice(14, 22)).toBe('000081ed');
    expect(header.slice(54, 62)).toBe('00000003');
    expect(text).toContain('hi\n');
    expect(text.slice(text.indexOf('bin/sh\0') - 110).slice(14, 22)).toBe('0000a1ff');
    expect(text).toContain('busybox');
    expect(text).toContain('TRAILER!!!\0');
  });
});

describe('the machine’s console', () => {
  const plan = { kernelModules: ['qc71_laptop'], commands: ['lsmod | grep qc71', 'uname -r'] };

  it('has an init script that loads boot.kernelModules, runs each command and powers off', () => {
    const script = initScript(plan);
    expect(script).toContain('done < /etc/modules-load');
    expect(script).toContain('run 0\nrun 1\n');
    expect(script.trim().endsWith('poweroff -f')).toBe(true);
  });

  it('is read section by section, a marker after unfinished output included', () => {
    const console = [
      'Linux version 6.12.118 (noise)',
      `${MARK} booted 6.12.118`,
      `${MARK} modules-load`,
      "modprobe: FATAL: Module qc71_laptop not found in directory /run/booted-system/kernel-modules/lib/modules/6.12.118",
      `${MARK} module-failed qc71_laptop`,
      `${MARK} modules-loaded`,
      `${MARK} command 0`,
      `${MARK} exit 0 1`,
      `${MARK} command 1`,
      `6.12.118${MARK} exit 1 0`,
      `${MARK} proc-modules`,
      'wmi 40960 0 - Live 0x0000000000000000',
      `${MARK} dmesg`,
      '[    0.5] wmi_bus wmi_bus-PNP0C14:00: probed',
      `${MARK} end`,
    ].join('\r\n');
    const reading = readConsole(console, 2);
    expect(reading).toEqual({
      booted: '6.12.118',
      failedModules: ['qc71_laptop'],
      modulesLoad: 'modprobe: FATAL: Module qc71_laptop not found in directory /run/booted-system/kernel-modules/lib/modules/6.12.118',
      commands: [
        { output: '', exit: 1 },
        { output: '6.12.118', exit: 0 },
      ],
      loaded: ['wmi'],
      dmesg: '[    0.5] wmi_bus wmi_bus-PNP0C14:00: probed',
      ended: true,
    });
  });

  it('says when the machine never booted, or stopped before its end', () => {
    const never = readConsole('Kernel panic - not syncing', 1);
    expect(never.booted).toBeUndefined();
    expect(never.ended).toBe(false);
    expect(readConsole(`${MARK} booted 6.12.118\n${MARK} command 0\nhalf`, 1)).toMatchObject({ booted: '6.12.118', ended: false });
  });
});
