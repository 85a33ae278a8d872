import { describe, expect, it } from 'vitest';
import { extractBlocks } from '../../scripts/verifier/extract.ts';

const page = `---
title: A page
---
import Aside from './aside.astro';

Some *text*.

:::note
\`\`\`nix flake="simple" title="flake.nix"
{ outputs = _: { }; }
\`\`\`
:::

1. A list item:

   \`\`\`nix flake="simple" title="configuration.nix" slot="body"
   boot.kernelModules = [ "qc71_laptop" ];
   \`\`\`

<Aside>inline JSX</Aside>

\`\`\`sh
echo not ours
\`\`\`

\`\`\`nix
{ a = 1; }
\`\`\`
`;

const strict = { strict: true };

describe('extractBlocks', () => {
  const { blocks, diagnostics } = extractBlocks('src/content/docs/page.mdx', page, { strict: false });

  it('finds every nix block, inside directives and lists, in order', () => {
    expect(blocks.map((b) => [b.id, b.annotation.role])).toEqual([
      ['src/content/docs/page.mdx:9', 'file'],
      ['src/content/docs/page.mdx:16', 'fragment'],
      ['src/content/docs/page.mdx:26', 'lint'],
    ]);
    expect(diagnostics).toEqual([]);
  });

  it('keeps exact positions of the fence and of the code', () => {
    const fragment = blocks[1]!;
    expect(fragment.start).toEqual({ line: 16, column: 4 });
    expect(fragment.codeLine).toBe(17);
    expect(fragment.codeColumn).toBe(4);
    expect(fragment.code).toBe('boot.kernelModules = [ "qc71_laptop" ];');
  });

  it('reports annotation problems at the fence, as usage errors', () => {
    const result = extractBlocks('p.md', '\n\n```nix flake="x"\n1\n```\n', { strict: true });
    expect(result.diagnostics).toEqual([
      {
        reason: '`title` is missing: give the path of the file in the flake, e.g. `title="configuration.nix"`.',
        file: 'p.md',
        place: { line: 3, column: 1 },
        ruleId: 'annotation',
        blockId: 'p.md:3',
        fatal: true,
      },
    ]);
  });

  it('reports MDX that does not parse, with its place', () => {
    const result = extractBlocks('bad.mdx', 'Text\n\n<Open\n', { strict: true });
    expect(result.blocks).toEqual([]);
    expect(result.diagnostics[0]).toMatchObject({ file: 'bad.mdx', ruleId: 'markdown', fatal: true });
    expect(result.diagnostics[0]!.place?.line).toBe(4);
  });

  it('reads CRLF and CR line ends as LF, at the same lines', () => {
    const lf = 'Text\n\n```console flake="simple"\n$ nix eval .#a\ntrue\n```\n\n```nix flake="simple" title="a.nix"\n{ }\n```\n';
    const expected = extractBlocks('p.md', lf, strict).blocks;
    expect(expected.map((b) => b.code)).toEqual(['$ nix eval .#a\ntrue', '{ }']);
    expect(extractBlocks('p.md', lf.replaceAll('\n', '\r\n'), strict)).toEqual({ blocks: expected, diagnostics: [] });
    expect(extractBlocks('p.md', lf.replaceAll('\n', '\r'), strict)).toEqual({ blocks: expected, diagnostics: [] });
  });

  it('reads .md without MDX syntax', () => {
    const result = extractBlocks('x.md', 'a <b> c {d}\n\n```nix\n1\n```\n', { strict: false });
    expect(result.blocks.map((b) => b.start.line)).toEqual([3]);
  });
});
