import { describe, expect, it } from 'vitest';
import { normaliseOutput, parseCommandBlock } from '../../scripts/verifier/commands.ts';

describe('parseCommandBlock', () => {
  it('splits commands and their expected output', () => {
    const block = `$ nix eval .#a --apply 'x: builtins.elem "q" x'\ntrue\n$ nix eval .#b \\\n    --json\n["a"]  \n`;
    expect(parseCommandBlock(block)).toEqual({
      ok: true,
      commands: [
        { text: `nix eval .#a --apply 'x: builtins.elem "q" x'`, argv: ['nix', 'eval', '.#a', '--apply', 'x: builtins.elem "q" x'], expected: 'true', offset: 0 },
        { text: 'nix eval .#b --json', argv: ['nix', 'eval', '.#b', '--json'], expected: '["a"]', offset: 2 },
      ],
    });
  });

  it('refuses what it cannot run as written', () => {
    expect(parseCommandBlock('$ lsmod | grep qc71\n')).toMatchObject({ ok: false, offset: 0 });
    expect(parseCommandBlock('$ nix eval .#a > out\n')).toMatchObject({ ok: false, reason: expect.stringMatching(/no pipes/) });
    expect(parseCommandBlock("$ nix eval 'open\n")).toMatchObject({ ok: false });
    expect(parseCommandBlock('$ modinfo qc71_laptop\n')).toMatchObject({ ok: false, reason: expect.stringMatching(/not `modinfo`/) });
    expect(parseCommandBlock('output first\n$ nix eval .#a\n')).toMatchObject({ ok: false, offset: 0 });
    expect(parseCommandBlock('')).toMatchObject({ ok: false });
  });

  it('runs only commands that read or build, never ones that run programs', () => {
    expect(parseCommandBlock('$ nix flake show\n')).toMatchObject({ ok: true });
    expect(parseCommandBlock('$ nix build .#a --dry-run\n')).toMatchObject({ ok: true });
    expect(parseCommandBlock('$ nix run nixpkgs#hello\n')).toMatchObject({ ok: false, reason: expect.stringMatching(/^`nix run` is not run by the verifier/) });
    expect(parseCommandBlock('$ nix flake update\n')).toMatchObject({ ok: false });
  });
});

describe('what a command block may run', () => {
  const refused = (code: string) => {
    const parsed = parseCommandBlock(code);
    if (parsed.ok) throw new Error(`expected ${JSON.stringify(code)} to be refused`);
    return parsed;
  };

  it("keeps the guide's own commands", () => {
    const block = [
      `$ nix eval --json .#nixosConfigurations.hero.config.boot.extraModulePackages --apply 'map (p: p.pname)'`,
      '["qc71-slimbook-laptop"]',
      `$ nix eval .#nixosConfigurations.hero.config --apply \\`,
      `    'c: builtins.elem "KDIR=\${k.dev}/build" c.makeFlags'`,
      'true',
    ].join('\n');
    expect(parseCommandBlock(block)).toMatchObject({ ok: true, commands: [{ offset: 0 }, { offset: 2 }] });
    for (const command of ['nix build .#a --no-link -L', 'nix flake show .', 'nix flake check --no-build', 'nix path-info -r -S .#a', 'nix derivation show .#a^out']) {
      expect(parseCommandBlock(`$ ${command}\n`), command).toMatchObject({ ok: true });
    }
  });

  it.each([
    ['--impure', 'nix eval --impure .#a'],
    ['--option', 'nix eval --option allow-unsafe-native-code-during-evaluation true .#a'],
    ['--expr', `nix build --expr 'derivation { }'`],
    ['--file', 'nix eval --file /etc/x a'],
    ['-f', 'nix eval -f ./x a'],
    ['--write-to', 'nix eval .#a --write-to /tmp/x'],
    ['--out-link', 'nix build .#a --out-link /tmp/x'],
    ['-o', 'nix build .#a -o /tmp/x'],
    ['--store', 'nix build --store /tmp/s .#a'],
    ['--override-input', 'nix eval --override-input nixpkgs github:a/b .#a'],
    ['--update-input', 'nix eval --update-input nixpkgs .#a'],
    ['--reference-lock-file', 'nix eval --reference-lock-file /x .#a'],
    ['--output-lock-file', 'nix eval --output-lock-file /x .#a'],
    ['--arg', 'nix eval --arg a 1 .#a'],
    ['--argstr', 'nix eval --argstr a b .#a'],
    ['--include', 'nix eval --include nixpkgs=/x .#a'],
    ['-I', 'nix eval -I /x .#a'],
    ['--apply=x:x', 'nix eval .#a --apply=x:x'],
    ['--', 'nix eval -- .#a'],
    ['--impure', 'nix --impure eval .#a'],
  ])('refuses the flag %s, naming it and what is allowed', (flag, command) => {
    const { reason, offset } = refused(`$ ${command}\nout\n`);
    expect(offset).toBe(0);
    expect(reason).toContain(`\`${flag}\` is not allowed in a command block`);
    expect(reason).toContain('`--json`, `--raw`');
    expect(reason).toContain('skip="REASON"');
  });

  it.each(['nixpkgs#hello', 'github:NixOS/nixpkgs#hello', 'path:/etc', '/etc/passwd', '../other', '..#a', './x', '.?dir=..#a', 'flake:nixpkgs', '-'])(
    'refuses the installable %s',
    (installable) => {
      expect(refused(`$ nix build '${installable}'\n`).reason).toContain(`\`${installable}\` is not part of the assembled flake.`);
    },
  );

  it('refuses a flag without its value', () => {
    expect(refused('$ nix eval .#a --apply\n').reason).toMatch(/^`--apply` needs a value/);
  });

  it('points at the line of the bad word in a continued command, or of a later command', () => {
    expect(refused('$ nix eval .#a \\\n  --json \\\n  --impure\n').offset).toBe(2);
    expect(refused('$ nix eval .#a\ntrue\n$ nix eval \\\n  nixpkgs#hello\n').offset).toBe(3);
  });

  it('reads quotes and backslashes as a shell does', () => {
    expect(parseCommandBlock(`$ nix eval .#a --apply "x: \\"a\\" + x" --apply 'y'\\ z\n`)).toMatchObject({
      ok: true,
      commands: [{ argv: ['nix', 'eval', '.#a', '--apply', 'x: "a" + x', '--apply', 'y z'] }],
    });
  });
});

describe('normaliseOutput', () => {
  it('ignores trailing spaces and blank lines at the ends only', () => {
    expect(normaliseOutput('\n a  \n\n b\n\n')).toBe(' a\n\n b');
  });
});

describe('outputMatches', async () => {
  const { outputMatches } = await import('../../scripts/verifier/commands.ts');
  it('compares outputs line by line, ignoring trailing blanks', () => {
    expect(outputMatches('true', 'true\n')).toBe(true);
    expect(outputMatches('true', 'false\n')).toBe(false);
  });
  it('takes … for any text within one line, and only within it', () => {
    expect(outputMatches('… SMP preempt mod_unload', '6.12.118 SMP preempt mod_unload\n')).toBe(true);
    expect(outputMatches('… SMP preempt mod_unload', '6.12.118 mod_unload\n')).toBe(false);
    expect(outputMatches('qc71_laptop …', 'qc71_laptop 61440 0\nwmi 16384 1 qc71_laptop')).toBe(false);
    expect(outputMatches('a.b', 'axb')).toBe(false);
  });
});

describe('parseMachineCommandBlock', async () => {
  const { parseMachineCommandBlock } = await import('../../scripts/verifier/commands.ts');
  it('takes any shell line, drops a leading sudo, and keeps each output', () => {
    const parsed = parseMachineCommandBlock('$ lsmod | grep qc71\nqc71_laptop …\n$ sudo modprobe -r qc71_laptop\n$ cat /sys/module/qc71_laptop/parameters/nolightbar\nY');
    expect(parsed).toEqual({
      ok: true,
      commands: [
        { text: 'lsmod | grep qc71', argv: [], expected: 'qc71_laptop …', offset: 0 },
        { text: 'modprobe -r qc71_laptop', argv: [], expected: '', offset: 2 },
        { text: 'cat /sys/module/qc71_laptop/parameters/nolightbar', argv: [], expected: 'Y', offset: 3 },
      ],
    });
  });
});
