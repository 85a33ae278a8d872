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
      "Unknown annotation key `flakes`. Did you mean `flake`? This project's keys are `flake`, `title`, `slot`, `skip`, `fails`; Expressive Code's own keys are also allowed.",
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
