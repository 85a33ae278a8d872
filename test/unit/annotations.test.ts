import { describe, expect, it } from 'vitest';
import { parseAnnotation } from '../../src/markdown/annotations.ts';

const strict = { strict: true };

describe('parseAnnotation', () => {
  it('reads a whole-file block', () => {
    expect(parseAnnotation('nix', 'flake="simple" title="configuration.nix"', strict)).toEqual({
      annotation: { role: 'file', target: { flake: 'simple', file: 'configuration.nix' } },
      problems: [],
    });
  });

  it('reads a fragment', () => {
    expect(parseAnnotation('nix', 'flake="simple" title="configuration.nix" slot="body"', strict).annotation).toEqual({
      role: 'fragment',
      target: { flake: 'simple', file: 'configuration.nix', slot: 'body' },
    });
  });

  it('reads an expected failure and keeps the error text verbatim', () => {
    const meta = `flake="simple" title="configuration.nix" slot="let" fails='argument "kernelModuleMakeFlags"'`;
    expect(parseAnnotation('nix', meta, strict).annotation).toEqual({
      role: 'expected-failure',
      target: { flake: 'simple', file: 'configuration.nix', slot: 'let' },
      fails: 'argument "kernelModuleMakeFlags"',
    });
  });

  it('reads an exemption with its reason, on any language', () => {
    expect(parseAnnotation('console', 'skip="needs the hardware"', strict).annotation).toEqual({
      role: 'exempt',
      reason: 'needs the hardware',
    });
  });

  it('reads a command block', () => {
    expect(parseAnnotation('console', 'flake="simple"', strict)).toEqual({
      annotation: { role: 'command', flake: 'simple' },
      problems: [],
    });
  });

  it('lets Expressive Code options through', () => {
    const result = parseAnnotation('nix', 'flake="a" title="b.nix" {2-3} ins={4} wrap', strict);
    expect(result.problems).toEqual([]);
    expect(result.annotation.role).toBe('file');
  });

  it('requires an annotation on nix blocks in strict mode only', () => {
    expect(parseAnnotation('nix', '', strict).problems[0]).toMatch(/has no annotation/);
    expect(parseAnnotation('nix', '', { strict: false })).toEqual({ annotation: { role: 'lint' }, problems: [] });
  });

  it('ignores other languages without annotations', () => {
    expect(parseAnnotation('sh', 'title="install.sh"', strict)).toEqual({ annotation: { role: 'ignored' }, problems: [] });
  });

  it('names an unknown key and suggests the likely one', () => {
    const { problems } = parseAnnotation('nix', 'flakes="simple" title="a.nix"', strict);
    expect(problems).toContain(
      "Unknown annotation key `flakes`. Did you mean `flake`? This project's keys are `flake`, `title`, `slot`, `skip`, `fails`, `host`; Expressive Code's own keys are also allowed.",
    );
  });

  it('says what is missing from a half annotation', () => {
    expect(parseAnnotation('nix', 'slot="body"', strict).problems).toEqual([
      '`flake` is missing: name the flake this block belongs to, e.g. `flake="simple"`.',
      '`title` is missing: give the path of the file in the flake, e.g. `title="configuration.nix"`.',
    ]);
  });

  it('rejects an empty reason and contradictory keys', () => {
    expect(parseAnnotation('nix', 'skip=""', strict).problems[0]).toMatch(/needs a reason/);
    expect(parseAnnotation('nix', 'skip="x" fails="y"', strict).problems[0]).toMatch(/both exempt/);
    expect(parseAnnotation('nix', 'flake="a" title="b.nix" fails=""', strict).problems[0]).toMatch(/needs the text/);
  });

  it('rejects flake on a language that cannot belong to one', () => {
    expect(parseAnnotation('json', 'flake="a"', strict).problems[0]).toMatch(/`flake` is set on a `json` block/);
  });

  it('reports meta it cannot read', () => {
    expect(parseAnnotation('nix', 'flake="simple title="x"', strict).problems.length).toBeGreaterThan(0);
  });
});

describe('parseAnnotation: meta that does not say what it seems to', () => {
  it('names an unbalanced quote, instead of a missing key', () => {
    const closing = 'close each value with the quote it opens with, e.g. `flake="simple" title="configuration.nix"`.';
    expect(parseAnnotation('nix', 'flake="simple title="x"', strict)).toEqual({
      annotation: { role: 'lint' },
      problems: [`The code-fence meta has an unbalanced quote in \`flake="simple title="x"\`: ${closing}`],
    });
    expect(parseAnnotation('nix', 'flake="simple" title="x.nix', strict).problems).toEqual([
      `The code-fence meta has an unbalanced quote in \`title="x.nix\`: ${closing}`,
    ]);
    expect(parseAnnotation('console', "flake='simple", strict).problems).toHaveLength(1);
  });

  it('accepts escaped quotes and quotes of the other kind inside a value', () => {
    expect(parseAnnotation('nix', `flake="a" title="b.nix" fails='"x" does not hold'`, strict).problems).toEqual([]);
    expect(parseAnnotation('nix', 'flake="a" title="b.nix" fails="say \\"x\\""', strict)).toMatchObject({
      annotation: { fails: 'say "x"' },
      problems: [],
    });
  });

  it('leaves the meta of blocks that are not ours alone', () => {
    expect(parseAnnotation('js', 'title="a.js', strict)).toEqual({ annotation: { role: 'ignored' }, problems: [] });
    expect(parseAnnotation('sh', 'title="a" title="b"', strict)).toEqual({ annotation: { role: 'ignored' }, problems: [] });
  });

  it('names a duplicate key instead of letting the last one win', () => {
    expect(parseAnnotation('nix', 'flake="a" title="b.nix" flake="c"', strict)).toEqual({
      annotation: { role: 'lint' },
      problems: ['`flake` is given 2 times (`flake="a"`, `flake="c"`). Give each key once.'],
    });
    expect(parseAnnotation('console', 'flake="a" FLAKE="b"', strict).problems).toEqual([
      '`flake` is given 2 times (`flake="a"`, `FLAKE="b"`). Give each key once.',
    ]);
  });

  it('names one of our keys given without a value, but lets Expressive Code flags through', () => {
    expect(parseAnnotation('nix', 'flake title="x.nix"', strict)).toEqual({
      annotation: { role: 'lint' },
      problems: ['`flake` has no value: write `flake="…"`, e.g. `flake="simple"`.'],
    });
    expect(parseAnnotation('nix', 'flake="a" title= slot="body"', strict).problems).toEqual([
      '`title` has no value: write `title="…"`, e.g. `title="configuration.nix"`.',
    ]);
    expect(parseAnnotation('console', 'skip', strict).problems).toEqual([
      '`skip` has no value: write `skip="…"`, e.g. `skip="needs the hardware"`.',
    ]);
    expect(parseAnnotation('nix', 'flake="a" title="b.nix" wrap showLineNumbers', strict).problems).toEqual([]);
  });
});

describe('parseAnnotation: titles and flake names become paths, so they stay inside the flake', () => {
  const inside = 'Give the file\'s path from the flake\'s root, with `/` between folders, e.g. `title="pkgs/foo/package.nix"`.';
  it.each([
    ['../outside.nix', 'a `..` segment leads out of it'],
    ['pkgs/../../x.nix', 'a `..` segment leads out of it'],
    ['..', 'a `..` segment leads out of it'],
    ['/etc/x.nix', 'it is absolute'],
    ['./x.nix', 'it has a `.` segment'],
    ['a/./x.nix', 'it has a `.` segment'],
    ['a//x.nix', 'it has an empty segment (`//`, or a `/` at the end)'],
    ['a/', 'it has an empty segment (`//`, or a `/` at the end)'],
    ['a\\x.nix', 'it contains a backslash'],
  ])('refuses title="%s": %s', (title, why) => {
    expect(parseAnnotation('nix', `flake="a" title="${title}"`, strict)).toEqual({
      annotation: { role: 'lint' },
      problems: [`\`title="${title}"\` is not a path inside the flake: ${why}. ${inside}`],
    });
  });

  it('refuses a title with a control character, and shows it escaped', () => {
    expect(parseAnnotation('nix', 'flake="a" title="x\u0000.nix"', strict).problems).toEqual([
      `\`title="x\\u0000.nix"\` is not a path inside the flake: it contains a control character. ${inside}`,
    ]);
  });

  it('accepts nested relative paths, and titles of blocks that belong to no flake', () => {
    expect(parseAnnotation('nix', 'flake="a" title="pkgs/linux-packages/qc71/package.nix"', strict).problems).toEqual([]);
    expect(parseAnnotation('nix', 'skip="an example" title="/etc/nixos/configuration.nix"', strict).problems).toEqual([]);
  });

  it.each(['../x', 'a/b', '..', '1st', 'my_flake', 'a.b', ''])('refuses flake="%s"', (name) => {
    const result = parseAnnotation('nix', `flake="${name}" title="x.nix"`, strict);
    if (name === '') {
      expect(result.problems[0]).toMatch(/^`flake` is missing/);
      return;
    }
    expect(result).toEqual({
      annotation: { role: 'lint' },
      problems: [`\`flake="${name}"\` is not a valid flake name: use a letter, then letters, digits and dashes, e.g. \`flake="simple"\`.`],
    });
  });

  it('checks the flake name of command blocks too', () => {
    expect(parseAnnotation('console', 'flake="../x"', strict)).toMatchObject({ annotation: { role: 'ignored' }, problems: [expect.stringMatching(/not a valid flake name/)] });
    expect(parseAnnotation('console', 'flake="nur-2"', strict)).toEqual({ annotation: { role: 'command', flake: 'nur-2' }, problems: [] });
  });
});

describe('host, for command blocks run in a booted system', () => {
  it('marks a console block to run in that host', () => {
    expect(parseAnnotation('console', 'flake="simple" host="hero"', { strict: true })).toEqual({ annotation: { role: 'command', flake: 'simple', host: 'hero' }, problems: [] });
  });

  it('is refused on a nix block, and must be a host name', () => {
    expect(parseAnnotation('nix', 'flake="simple" title="a.nix" host="hero"', { strict: true }).problems).toContain(
      '`host` is for command blocks (`console`, `sh`): it runs them in that system, booted in a virtual machine.',
    );
    expect(parseAnnotation('console', 'flake="simple" host="../x"', { strict: true }).problems[0]).toMatch(/is not a name of `nixosConfigurations`/);
  });
});
