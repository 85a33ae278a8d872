import { describe, expect, it } from 'vitest';
import { assemble, standaloneForms } from '../../scripts/verifier/assemble.ts';
import { extractBlocks } from '../../scripts/verifier/extract.ts';
import type { GlueFlake } from '../../scripts/verifier/glue.ts';

const page = [
  '# Simple', //                                                   1
  '', //                                                           2
  '```nix flake="simple" title="flake.nix"', //                    3
  '{ outputs = _: { }; }', //                                      4
  '```', //                                                        5
  '', //                                                           6
  '- item', //                                                     7
  '', //                                                           8
  '  ```nix flake="simple" title="configuration.nix" slot="body"', // 9
  '  boot.kernelModules = [', //                                   10
  '', //                                                           11
  '    "qc71_laptop"', //                                          12
  '  ];', //                                                       13
  '  ```', //                                                      14
  '', //                                                           15
  '```nix flake="simple" title="configuration.nix" slot="body" fails="boom"', // 16
  'boot.kernelModules = throw "boom";', //                         17
  '```', //                                                        18
  '',
].join('\n');

const glue: GlueFlake[] = [
  {
    name: 'simple',
    inputs: {},
    files: [
      {
        path: 'configuration.nix',
        source: 'src/flakes/simple/configuration.nix',
        text: '{ config, ... }:\n{\n  # slot: body\n  networking.hostName = "hero";\n}\n',
      },
    ],
  },
  {
    name: 'system',
    inputs: { simple: 'simple' },
    files: [{ path: 'flake.nix', source: 'src/flakes/system/flake.nix', text: '{ outputs = _: { }; }\n' }],
  },
];

const { blocks } = extractBlocks('guide.md', page, { strict: true });

describe('assemble', () => {
  const { flakes, variants, diagnostics } = assemble(blocks, glue);
  const simple = flakes.find((f) => f.name === 'simple')!;
  const configuration = simple.files.find((f) => f.path === 'configuration.nix')!;

  it('builds each flake from whole-file blocks and filled templates', () => {
    expect(diagnostics).toEqual([]);
    expect(flakes.map((f) => f.name)).toEqual(['simple', 'system']);
    expect(simple.files.map((f) => f.path)).toEqual(['configuration.nix', 'flake.nix']);
    expect(configuration.text).toBe(
      '{ config, ... }:\n{\n  boot.kernelModules = [\n\n    "qc71_laptop"\n  ];\n  networking.hostName = "hero";\n}\n',
    );
  });

  it('maps every assembled line back to its page line or glue line, with columns', () => {
    expect(configuration.origins).toEqual([
      { kind: 'glue', path: 'src/flakes/simple/configuration.nix', line: 1 },
      { kind: 'glue', path: 'src/flakes/simple/configuration.nix', line: 2 },
      { kind: 'block', blockId: 'guide.md:9', page: 'guide.md', line: 10, columnOffset: 0 },
      { kind: 'block', blockId: 'guide.md:9', page: 'guide.md', line: 11, columnOffset: 0 },
      { kind: 'block', blockId: 'guide.md:9', page: 'guide.md', line: 12, columnOffset: 0 },
      { kind: 'block', blockId: 'guide.md:9', page: 'guide.md', line: 13, columnOffset: 0 },
      { kind: 'glue', path: 'src/flakes/simple/configuration.nix', line: 4 },
      { kind: 'glue', path: 'src/flakes/simple/configuration.nix', line: 5 },
    ]);
  });

  it('builds a variant per expected failure, and one of every flake that links to it', () => {
    expect(variants.map((v) => [v.name, v.variantOf, v.links])).toEqual([
      ['simple~guide-16', 'guide.md:16', {}],
      ['system~simple~guide-16', 'guide.md:16', { simple: 'simple~guide-16' }],
    ]);
    const copy = variants[0]!.files.find((f) => f.path === 'configuration.nix')!;
    expect(copy.text).toContain('  boot.kernelModules = throw "boom";\n');
    expect(copy.text).not.toContain('qc71_laptop');
    expect(copy.origins[2]).toEqual({ kind: 'block', blockId: 'guide.md:16', page: 'guide.md', line: 17, columnOffset: -2 });
  });

  it('rejects a title through a file, or a file where a folder is, at the block (not EISDIR later)', () => {
    const through = extractBlocks('t.md', '```nix flake="a" title="configuration.nix"\n1\n```\n\n```nix flake="a" title="configuration.nix/x.nix"\n2\n```\n', { strict: true }).blocks;
    expect(assemble(through, []).diagnostics).toEqual([
      expect.objectContaining({ file: 't.md', place: { line: 5, column: 1 }, ruleId: 'assembly', fatal: true, reason: '`configuration.nix/x.nix` of flake `a` cannot be: `configuration.nix` is a file, not a folder. Give this block another `title`.' }),
    ]);
    const over = extractBlocks('t.md', '```nix flake="a" title="pkgs/x.nix"\n1\n```\n\n```nix flake="a" title="pkgs"\n2\n```\n', { strict: true }).blocks;
    expect(assemble(over, []).diagnostics).toEqual([expect.objectContaining({ place: { line: 5, column: 1 }, reason: '`pkgs` of flake `a` cannot be: `pkgs/x.nix` is in a folder of that name. Give this block another `title`.' })]);
  });

  it('rejects two sources for one file', () => {
    const twice = extractBlocks('t.md', '```nix flake="a" title="x.nix"\n1\n```\n\n```nix flake="a" title="x.nix"\n2\n```\n', {
      strict: true,
    }).blocks;
    const result = assemble(twice, []);
    expect(result.diagnostics).toEqual([
      {
        reason:
          '`x.nix` of flake `a` is already given by the block at t.md:1. A file has one source: make one of them a fragment (`slot`), or give it another `title`.',
        file: 't.md',
        place: { line: 5, column: 1 },
        ruleId: 'assembly',
        blockId: 't.md:5',
        fatal: true,
      },
    ]);
  });

  it('names the slots a template has when a fragment names another', () => {
    const wrong = extractBlocks('w.md', '```nix flake="simple" title="configuration.nix" slot="bdy"\na = 1;\n```\n', { strict: true }).blocks;
    const result = assemble(wrong, glue.slice(0, 1));
    expect(result.diagnostics.map((d) => d.reason)).toEqual([
      'Slot `body` of `configuration.nix` is not filled by any block. Add a block with `slot="body"`, or remove the slot line.',
      '`src/flakes/simple/configuration.nix` has no slot `bdy`. Its slots: `body`.',
    ]);
  });

  it('says when a fragment targets a file without a template', () => {
    const orphan = extractBlocks('o.md', '```nix flake="x" title="c.nix" slot="s"\na = 1;\n```\n', { strict: true }).blocks;
    expect(assemble(orphan, []).diagnostics[0]!.reason).toMatch(/^`c.nix` of flake `x` has no glue template/);
  });

  it('says when a manifest links to a flake nobody defines', () => {
    const result = assemble([], [{ name: 'lonely', inputs: { nur: 'nur' }, files: [] }]);
    expect(result.diagnostics[0]!.reason).toMatch(/^Input `nur` of flake `lonely` is linked to flake `nur`, which no block or glue defines/);
  });
});

describe('standaloneForms', () => {
  it('wraps a block as an expression and as bindings, mapping the wrapper to the fences', () => {
    const block = blocks[1]!;
    const forms = standaloneForms(block);
    expect(forms.bindings.text).toBe('with { }; {\nboot.kernelModules = [\n\n  "qc71_laptop"\n];\n}\n');
    expect(forms.expression.text.startsWith('with { }; (\n')).toBe(true);
    expect(forms.bindings.origins.map((o) => (o.kind === 'block' ? o.line : 0))).toEqual([9, 10, 11, 12, 13, 14]);
  });
});

describe('likelyForm: a block’s form, decided without Nix', async () => {
  const { likelyForm } = await import('../../scripts/verifier/assemble.ts');
  it.each([
    ['boot.kernelModules = [ "qc71_laptop" ];', 'bindings'],
    ['# a comment first\nqc71-slimbook-laptop = config.boot.kernelPackages.callPackage ./x.nix { };', 'bindings'],
    ['fileSystems."/".device = "/dev/sda1";', 'bindings'],
    ['inherit (pkgs) hello;', 'bindings'],
    ['{ pkgs, ... }: { }', 'expression'],
    ['{ a = 1; }', 'expression'],
    ['let x = 1; in x', 'expression'],
    ['a == b', 'expression'],
    ['final: prev: { }', 'expression'],
    ['[ 1 2 ]', 'expression'],
  ])('%j is %s', (code, form) => {
    expect(likelyForm(code)).toBe(form);
  });
});
