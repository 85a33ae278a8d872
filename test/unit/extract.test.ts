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

  it('blames a code fence that is never closed, not the prose it swallowed', () => {
    const result = extractBlocks('p.mdx', 'Intro\n\n````nix flake="a" title="b.nix"\n{ }\n```\n\nMore prose with <b>tag\n', strict);
    expect(result.blocks.map((b) => b.id)).toEqual(['p.mdx:3']);
    expect(result).toMatchObject({
      diagnostics: [
        {
          reason: 'This code fence is never closed, so everything after it, to the end of the page (or of the list or quote it is in), became part of its block. Close it where its code ends, with a line of just ````.',
          file: 'p.mdx',
          place: { line: 3, column: 1 },
          ruleId: 'markdown',
          blockId: 'p.mdx:3',
          fatal: true,
        },
      ],
    });
  });

  it('blames a fence whose block ran on over the next block, not that block', () => {
    const page = 'A\n\n```nix flake="a" title="b.nix"\n{ }\n\nProse.\n\n```nix flake="a" title="c.nix"\n{ }\n```\n\n```nix\n1\n```\n';
    expect(extractBlocks('p.md', page, { strict: false })).toEqual({
      blocks: [expect.objectContaining({ id: 'p.md:3' }), expect.objectContaining({ id: 'p.md:12' })],
      diagnostics: [
        {
          reason: 'This code fence is never closed: its block runs on over the fence at line 8, and ends only where that block should. Close it where its code ends, with a line of just ```.',
          file: 'p.md',
          place: { line: 3, column: 1 },
          ruleId: 'markdown',
          blockId: 'p.md:3',
          fatal: true,
        },
      ],
    });
    // Showing a fence inside a longer one is fine.
    expect(extractBlocks('p.md', '````md\n```nix\n1\n```\n````\n', { strict: false }).diagnostics).toEqual([]);
  });

  it('knows closed fences in lists, quotes and at the end of the page', () => {
    const closed = ['1. Item\n\n   ```nix\n   1\n   ```\n', '> ```nix\n> 1\n> ```\n', '~~~nix\n1\n~~~~', '```nix\n```'];
    for (const page of closed) expect(extractBlocks('p.md', page, { strict: false }).diagnostics, page).toEqual([]);
    const unclosed = ['> ```nix\n> 1\n\nAfter the quote.\n', '```nix', '```nix\n1\n``'];
    for (const page of unclosed) expect(extractBlocks('p.md', page, { strict: false }).diagnostics[0]?.reason, page).toMatch(/^This code fence is never closed/);
  });

  it('reports frontmatter that is not valid YAML at its line, and TOML too', () => {
    const yaml = extractBlocks('p.mdx', '---\ntitle: A page\n  description: indented\n---\n\nText\n', strict);
    expect(yaml.diagnostics).toEqual([
      {
        reason: 'The frontmatter is not valid YAML: bad indentation of a mapping entry. The site cannot build this page until it is fixed.',
        file: 'p.mdx',
        place: { line: 3, column: 14 },
        ruleId: 'markdown',
        fatal: true,
      },
    ]);
    expect(extractBlocks('p.md', '\n---\ntitle: "open\n---\n', strict).diagnostics[0]).toMatchObject({
      reason: expect.stringMatching(/^The frontmatter is not valid YAML: unexpected end of the stream within a double quoted scalar\./),
      // Where the quoted value starts, not where YAML noticed it never ends.
      place: { line: 3, column: 8 },
    });
    expect(extractBlocks('p.md', '+++\ntitle = "a"\nbad =\n+++\n', strict).diagnostics[0]).toMatchObject({
      reason: expect.stringMatching(/^The frontmatter is not valid TOML: /),
      place: { line: 3 },
    });
    expect(extractBlocks('p.md', '---\ntitle: A page\n---\n\n---\n', strict).diagnostics).toEqual([]);
  });

  it('points at a JSX tag that is never closed, so there is a code frame', () => {
    const result = extractBlocks('bad.mdx', 'Text\n\n<Aside type="note">\nhello\n\nmore text\n', strict);
    expect(result.diagnostics).toEqual([
      {
        reason: 'The page could not be parsed: Expected a closing tag for `<Aside>` (3:1-3:20) Close it with `</Aside>`, or end it with `/>` if it has no children.',
        file: 'bad.mdx',
        place: { line: 3, column: 1 },
        ruleId: 'markdown',
        fatal: true,
      },
    ]);
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
