import { describe, expect, it } from 'vitest';
import { gapReason, openBrackets, partialCode, type Form } from '../../scripts/verifier/partial-code.ts';

/** The Nix text a block becomes, without the wrapper, line by line. */
const text = (code: string, form: Form = 'expression') => partialCode(code, form).lines.map((l) => l.text);
/** Where the line of the Nix text that holds `needle` maps to: [code line, code column] of its first character. */
const mapped = (code: string, needle: string, form: Form = 'expression') => {
  const line = partialCode(code, form).lines.find((l) => l.text.includes(needle))!;
  return [line.line, line.column + line.text.indexOf(needle)];
};

describe('partialCode: code as written', () => {
  it('leaves code without partial shapes exactly as it is, line for line', () => {
    const code = '{ pkgs, ... }:\n{\n  environment.systemPackages = [ pkgs.git ]; # ... and more\n  x = "<not a hole> … ...";\n}';
    expect(text(code)).toEqual(code.split('\n'));
    expect(partialCode(code, 'expression').lines.map((l) => [l.line, l.column])).toEqual([0, 1, 2, 3, 4].map((i) => [i, 0]));
  });

  it('keeps a real search path where an expression goes', () => {
    expect(text('import <nixpkgs> { }')).toEqual(['import <nixpkgs> { }']);
  });
});

describe('partialCode: heads whose body is not shown', () => {
  it.each([
    ['let\n  a = 1;\nin', ['let', '  a = 1;', 'in', '__hole1']],
    ['{ pkgs, ... }:', ['{ pkgs, ... }:', '__hole1']],
    ['with pkgs;', ['with pkgs;', '__hole1']],
    ['{ lib }:\nassert lib.versionAtLeast "1" "0";', ['{ lib }:', 'assert lib.versionAtLeast "1" "0";', '__hole1']],
  ])('%j gets a body, just past its last character', (code, expected) => {
    expect(text(code)).toEqual(expected);
    const last = partialCode(code, 'expression').lines.at(-1)!;
    const lines = code.split('\n');
    expect([last.line, last.column]).toEqual([lines.length - 1, lines.at(-1)!.length]);
  });

  it.each([['a = 1;'], ['let a = 1;'], ['[ 1 2'], ['f x']])('%j is no head: nothing is added', (code) => {
    expect(text(code)).toEqual([code]);
  });

  it('adds no body in the bindings form', () => {
    expect(text('with pkgs;', 'bindings')).toEqual(['with pkgs;']);
  });
});

describe('partialCode: placeholders', () => {
  it('fills a hole where an expression goes with a fresh name, on a line of its own mapped to the hole', () => {
    const code = 'environment.systemPackages = with pkgs; [ git … ];';
    expect(text(code, 'bindings')).toEqual(['environment.systemPackages = with pkgs; [ git ', '__hole1', ' '.repeat(code.indexOf('];')) + '];']);
    expect(mapped(code, '__hole1', 'bindings')).toEqual([0, code.indexOf('…')]);
    expect(mapped(code, '];', 'bindings')).toEqual([0, code.indexOf('];')]);
  });

  it('fills a hole where a binding goes with a fresh binding, each with its own name', () => {
    expect(text('{\n  a = 1;\n  ...\n  b = 2;\n  …\n}').map((l) => l.trimEnd())).toEqual(['{', '  a = 1;', '', '__hole1 = __hole1;', '', '  b = 2;', '', '__hole2 = __hole2;', '', '}']);
  });

  it('reads `let … in …` as a binding and a body', () => {
    expect(text('let … in …').filter((l) => l.trim())).toEqual(['let ', '__hole1 = __hole1;', '      in ', '__hole2']);
  });

  it('keeps `...` in formals, and reads `…` there as `...`', () => {
    expect(text('{ pkgs, ... }: pkgs')).toEqual(['{ pkgs, ... }: pkgs']);
    expect(text('{ pkgs, … }: pkgs')).toContain('...');
    expect(text('args@{ a, ... }: a')).toEqual(['args@{ a, ... }: a']);
  });

  it('reads `<name>` in an attribute path as a name, and `<your host>` anywhere as a hole', () => {
    expect(text('users.users.<name>.isNormalUser = true;', 'bindings')).toContain('__hole1');
    expect(text('<name> = 1;', 'bindings')).toContain('__hole1');
    expect(text('networking.hostName = <your host>;', 'bindings')).toContain('__hole1');
    expect(text('users.users.<name>.isNormalUser = true;', 'bindings').join('')).not.toContain('<name>');
  });

  it('leaves holes in strings and comments alone', () => {
    const code = 'x = "… ${y} ..."; # …\ny = \'\'\n  <name> ...\n\'\';';
    expect(text(code, 'bindings')).toEqual(code.split('\n'));
  });

  it('picks a prefix the code does not use', () => {
    expect(text('[ __hole1 … ]')).toContain('__hole_1');
  });
});

describe('partialCode: nix-repl sessions', () => {
  const session = [
    'Welcome to Nix 2.8.0. Type :? for help.',
    '',
    'nix-repl> 1 + 2',
    '3',
    '',
    'nix-repl> x = { a = [',
    '            1',
    '          ]; }',
    '',
    'nix-repl> :l <nixpkgs>',
    'Added 5 variables.',
    '',
    'nix-repl> :p x',
    '{ a = [ 1 ]; }',
    '',
    'nix-repl> undefined',
    'error: undefined variable',
    '',
    'nix-repl> f',
    '«lambda @ «string»:1:1»',
  ].join('\n');

  it('checks each input and each printed value as an element of one list', () => {
    const result = partialCode(session, 'bindings');
    expect(result.wrap).toBe('expression');
    expect(result.chunks).toEqual([
      { kind: 'input', first: 2, last: 2 },
      { kind: 'output', first: 3, last: 3 },
      { kind: 'input', first: 5, last: 7 },
      { kind: 'input', first: 12, last: 12 },
      { kind: 'output', first: 13, last: 13 },
      { kind: 'input', first: 15, last: 15 },
      { kind: 'input', first: 18, last: 18 },
      { kind: 'output', first: 19, last: 19 },
    ]);
    const nix = result.lines.map((l) => l.text).join('\n');
    expect(nix).not.toContain('nix-repl>');
    expect(nix).not.toContain('Added');
    expect(nix).not.toContain('error:');
    expect(nix).toMatch(/^\[\n\(\n {10}1 \+ 2\n\)\n\(\n3\n\)\n\{\n {10}x = \{ a = \[/);
  });

  it('keeps every input at its column: the prompt becomes spaces', () => {
    expect(mapped(session, '1 + 2')).toEqual([2, 'nix-repl> '.length]);
    expect(mapped(session, '          ]; }')).toEqual([7, 0]);
  });

  it('closes each input just past its last character', () => {
    const result = partialCode(session, 'expression');
    const closer = result.lines[result.lines.findIndex((l) => l.text.includes('1 + 2')) + 1]!;
    expect(closer).toEqual({ text: ')', line: 2, column: 'nix-repl> 1 + 2'.length });
  });

  it('fills the holes the repl prints (`{ ... }`, `«…»`)', () => {
    const nix = text('nix-repl> { a.b = 1; }\n{ a = { ... }; }').join('\n');
    expect(nix).toContain('__hole1 = __hole1;');
    expect(text('nix-repl> f\n«lambda @ «string»:1:1»')).toContain('__hole1');
  });
});

describe('partialCode: `=> value` results', () => {
  it('checks each expression and each result as an element of one list', () => {
    const code = 'let\n  x = 1;\nin\nx + 1\n=> 2\n\n[ 1 ] ++ [ 2 ]\n=> [\n  1\n  2\n]';
    const result = partialCode(code, 'bindings');
    expect(result.wrap).toBe('expression');
    expect(result.chunks).toEqual([
      { kind: 'expression', first: 0, last: 3 },
      { kind: 'result', first: 4, last: 4 },
      { kind: 'expression', first: 5, last: 6 },
      { kind: 'result', first: 7, last: 10 },
    ]);
    expect(mapped(code, '2', 'expression')).toEqual([4, 3]);
  });

  it('does not check an error shown as a result', () => {
    expect(partialCode('x\n=> error: undefined variable', 'expression').chunks.map((c) => c.kind)).toEqual(['expression']);
  });
});

describe('gaps', () => {
  it('lists what is left open, innermost last, with lines', () => {
    expect(openBrackets('{\n  a = [\n    (f\n')).toEqual([
      { text: '{', line: 0 },
      { text: '[', line: 1 },
      { text: '(', line: 2 },
    ]);
    expect(openBrackets('let a = { }; in [ "]" ] # (')).toEqual([]);
    expect(openBrackets('let\n  a = 1;')).toEqual([{ text: 'let', line: 0 }]);
  });

  it('says what a chunk leaves open, in page lines', () => {
    const code = 'x = {\n  a = [ 1;';
    expect(gapReason(code, { kind: 'code', first: 0, last: 1 }, "syntax error, unexpected '}'", (l) => l + 10)).toBe(
      'This block ends before its expression does: the `{` at line 10 is never closed; the `[` at line 11 is never closed.',
    );
    expect(gapReason('a = 1', { kind: 'code', first: 0, last: 0 }, "syntax error, unexpected '}', expecting ';'", (l) => l)).toBe(
      "This block ends before its expression does: Nix expected ';' after its last line.",
    );
    expect(gapReason('nix-repl> 1 +', { kind: 'input', first: 0, last: 0 }, "syntax error, unexpected ')'", (l) => l)).toBe(
      'This `nix-repl>` input ends before its expression does: its last line leaves the expression unfinished.',
    );
  });
});
