import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodePage, findPages, readPageText } from '../../scripts/verifier/pages.ts';

const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

describe('decodePage', () => {
  it('decodes UTF-8, multi-byte characters included', () => {
    expect(decodePage(bytes('# Café — ✓\n'))).toEqual({ text: '# Café — ✓\n' });
  });

  it.each([
    ['a stray byte', bytes('---\ntitle: x\n---\n\nSome t', [0xff], 'xt\n'), { line: 5, column: 7 }],
    ['Latin-1 text', bytes('One\nCaf', [0xe9], '\n'), { line: 2, column: 4 }],
    ['a character cut short mid-line', bytes('é', [0xc3], '(\n'), { line: 1, column: 2 }],
    ['a character cut short at the end', bytes('ok\nab', [0xe2, 0x9c]), { line: 2, column: 3 }],
  ])('refuses %s, at the line and column of the first bad byte', (_, input, place) => {
    expect(decodePage(input)).toEqual({
      problem: `This page is not valid UTF-8: the byte at line ${place.line}, column ${place.column} is not part of a UTF-8 character. Save the page as UTF-8 (the site and Nix read it as UTF-8).`,
      place,
    });
  });
});

describe('readPageText and findPages', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pages-'));
    await mkdir(join(dir, 'docs/sub'), { recursive: true });
    await writeFile(join(dir, 'docs/page.mdx'), 'A page\r\n');
    await writeFile(join(dir, 'elsewhere.md'), 'Linked\n');
    await symlink(join(dir, 'elsewhere.md'), join(dir, 'docs/sub/linked.md'));
    await writeFile(join(dir, 'docs/notes.txt'), 'not a page');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads a page as it is (line ends are the extractor\'s business)', async () => {
    expect(await readPageText(join(dir, 'docs/page.mdx'))).toEqual({ text: 'A page\r\n' });
  });

  it('refuses a symbolic link, naming where it points', async () => {
    expect(await readPageText(join(dir, 'docs/sub/linked.md'))).toEqual({
      problem: `This page is a symbolic link (to \`${join(dir, 'elsewhere.md')}\`). The site would publish the page it points to, but the verifier does not follow links, so its blocks would go unchecked. Put the page itself here in place of the link, or name the file it points to.`,
    });
  });

  it('says when there is no page, or it is not a file', async () => {
    expect(await readPageText(join(dir, 'docs/missing.md'))).toEqual({ problem: 'No such page.' });
    expect(await readPageText(join(dir, 'docs/sub'))).toEqual({ problem: 'This is not a file: a page is a Markdown (.md) or MDX (.mdx) file.' });
  });

  it('lists pages under a folder, symbolic links included, so that none is skipped', async () => {
    expect(await findPages(join(dir, 'docs'), dir)).toEqual(['docs/page.mdx', 'docs/sub/linked.md']);
    expect(await findPages(join(dir, 'none'), dir)).toEqual([]);
  });
});
