/**
 * Zero-config mode on anyone's docs, without Nix: fence meta the verifier does not own,
 * MyST code directives, and where a block that ends too early is reported.
 */
import { describe, expect, it } from 'vitest';
import { fenceLanguage, mystOptionLines, parseAnnotation } from '../../src/markdown/annotations.ts';
import { standaloneForms } from '../../scripts/verifier/assemble.ts';
import { extractBlocks } from '../../scripts/verifier/extract.ts';
import { endsEarly } from '../../scripts/verifier/parse-stage.ts';
import type { Block, Diagnostic } from '../../scripts/verifier/types.ts';

const lax = { strict: false };
const strict = { strict: true };

describe('meta the verifier does not own, without --strict', () => {
  it.each([
    ['js', 'title="astro.config.mjs" twoslash {2}'],
    ['python', '{linenos=table,hl_lines=[8,"15-17"]}'],
    ['{=include=}', 'sections'],
    ['{=include=}', 'options id-prefix=opt- list-id=x'],
    ['ts', 'title="a'],
  ])('a `%s` fence with `%s` is ignored', (lang, meta) => {
    expect(parseAnnotation(lang, meta, lax)).toEqual({ annotation: { role: 'ignored' }, problems: [] });
  });

  it.each([['title="flake.nix"'], ['title="flake.nix" {3-4} ins={6} frame="code"'], ['twoslash showLineNumbers'], ['title="unclosed']])(
    'a `nix` fence with `%s` is linted',
    (meta) => {
      expect(parseAnnotation('nix', meta, lax)).toEqual({ annotation: { role: 'lint' }, problems: [] });
    },
  );

  it('still reports problems with the keys it owns', () => {
    expect(parseAnnotation('nix', 'title="a.nix" slot="body"', lax).problems).toEqual([
      '`flake` is missing: name the flake this block belongs to, e.g. `flake="simple"`.',
    ]);
    expect(parseAnnotation('nix', 'skip', lax).problems[0]).toMatch(/^`skip` has no value/);
  });

  it('keeps every error with --strict', () => {
    expect(parseAnnotation('{=include=}', 'sections', strict).problems[0]).toMatch(/^Unknown annotation key `sections`/);
    expect(parseAnnotation('js', 'twoslash', strict).problems[0]).toMatch(/^Unknown annotation key `twoslash`/);
    expect(parseAnnotation('nix', 'title="flake.nix"', strict).problems).toEqual([
      '`flake` is missing: name the flake this block belongs to, e.g. `flake="simple"`.',
    ]);
  });
});

describe('MyST code directives', () => {
  it.each([
    ['{code-block}', 'nix', { lang: 'nix', meta: '', myst: true }],
    ['{code}', 'nix extra', { lang: 'nix', meta: 'extra', myst: true }],
    ['{sourcecode}', 'python', { lang: 'python', meta: '', myst: true }],
    ['nix', 'title="x"', { lang: 'nix', meta: 'title="x"', myst: false }],
    ['{note}', '', { lang: '{note}', meta: '', myst: false }],
  ])('```%s %s', (lang, meta, expected) => {
    expect(fenceLanguage(lang, meta)).toEqual(expected);
  });

  it.each([
    [':caption: default.nix\n:linenos:\n\n{ }', 3],
    [':caption: default.nix\n{ }', 1],
    ['---\ncaption: a\n---\n{ }', 3],
    ['{ }', 0],
    [':not an option\n{ }', 0],
  ])('%j opens with %i lines of options', (code, n) => {
    expect(mystOptionLines(code)).toBe(n);
  });

  it('extracts a `{code-block} nix` as a nix block whose code starts after its options', () => {
    const page = '# T\n\n```{code-block} nix\n:caption: default.nix\n:emphasize-lines: 2\n\n{ pkgs }:\npkgs.hello\n```\n\n```{code-block} console\n$ nix-build\n```\n';
    const { blocks, diagnostics } = extractBlocks('p.md', page, lax);
    expect(diagnostics).toEqual([]);
    expect(blocks.map((b) => [b.id, b.lang, b.meta, b.codeLine, b.code, b.annotation.role])).toEqual([
      ['p.md:3', 'nix', '', 7, '{ pkgs }:\npkgs.hello', 'lint'],
    ]);
  });

  it('requires an annotation on a `{code-block} nix` with --strict, as on any nix block', () => {
    const { diagnostics } = extractBlocks('p.md', '```{code-block} nix\n1\n```\n', strict);
    expect(diagnostics.map((d) => d.reason)).toEqual([expect.stringMatching(/^This `nix` block has no annotation/)]);
  });
});

describe('a block that ends before its expression does', () => {
  const block = (code: string, role: Block['annotation'] = { role: 'lint' }): Block => ({
    id: 'p.md:10',
    page: 'p.md',
    start: { line: 10, column: 3 },
    codeLine: 11,
    codeColumn: 3,
    lang: 'nix',
    meta: '',
    code,
    annotation: role,
  });
  const at = (line: number, column: number, reason = "syntax error, unexpected ')'"): Diagnostic => ({
    reason,
    file: 'p.md',
    place: { line, column },
    ruleId: 'parse',
    blockId: 'p.md:10',
  });

  it('maps the wrapper’s close just past the last written line', () => {
    const b = block('{\n  a = [ 1\n\n');
    const forms = standaloneForms(b);
    for (const form of [forms.expression, forms.bindings]) {
      const close = form.origins.at(-1)!;
      expect(close.kind === 'block' && [close.line, 1 + close.columnOffset]).toEqual([12, 3 + '  a = [ 1'.length]);
    }
  });

  it('is reported at the last line, with what is left open', () => {
    expect(endsEarly(block('{\n  a = [ 1'), at(12, 3 + 9))).toEqual({
      reason: 'This block ends before its expression does: the `{` at line 11 is never closed; the `[` at line 12 is never closed.',
      file: 'p.md',
      place: { line: 12, column: 12 },
      ruleId: 'parse',
      blockId: 'p.md:10',
    });
  });

  it('moves an error on the closing fence (a fragment’s wrapper) to the last line', () => {
    const fragment = block('a = [ 1\n', { role: 'fragment', target: { flake: 'f', file: 'c.nix', slot: 's' } });
    expect(endsEarly(fragment, at(13, 1))?.place).toEqual({ line: 11, column: 10 });
  });

  it('leaves an error inside the code alone', () => {
    expect(endsEarly(block('{ a = 1 }'), at(11, 11, "syntax error, unexpected '}', expecting ';'"))).toBeUndefined();
  });
});
