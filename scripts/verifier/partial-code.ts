/**
 * Partial code, as documentation shows it, turned into real Nix for the parser. Pure.
 *
 * Docs elide: an expression head whose body is not shown (`let … in`, `{ pkgs, ... }:`,
 * `with pkgs;`), placeholders (`...`, `…`, `<name>`, and Nix's own `«lambda …»` in printed
 * values), `nix-repl>` sessions (inputs and the values printed after them) and `=> value`
 * result lines. Each shape becomes real Nix here: a placeholder becomes a fresh name (or a
 * fresh binding, where a binding is missing), a head gets a body, a session becomes a list of
 * its inputs and outputs. Nothing is accepted on this module's word: the parser reads the
 * result, and whatever it cannot parse is still an error.
 *
 * Positions survive the transformation: text written on the page keeps its line and column;
 * inserted text sits on a line of its own that maps to the place it stands for, and closing
 * text maps just past the end of the line it closes, where nothing is written. A parse error
 * reported there means the code ended before its expression did (see `gapReason`).
 */

export type Form = 'expression' | 'bindings';

/** One line given to Nix: its text's first character stands for code line `line`, column `column` (both 0-based). */
export interface OutLine {
  text: string;
  line: number;
  column: number;
}

/** A part of a block that the parser reads as one expression (or bindings). */
export interface Chunk {
  kind: 'code' | 'input' | 'output' | 'expression' | 'result';
  /** First and last code line (0-based, inclusive). */
  first: number;
  last: number;
}

export interface PartialCode {
  /** How the block's text is wrapped: `( … )` or `{ … }`. */
  wrap: Form;
  lines: OutLine[];
  chunks: Chunk[];
}

/** A block's code as real Nix, in the given form (a session or result list is always an expression). */
export function partialCode(code: string, form: Form): PartialCode {
  const lines = code.split('\n');
  const names = freshNames(code);
  if (lines.some((l) => REPL_PROMPT.test(l))) return replSession(lines, names);
  if (lines.some((l) => RESULT_LINE.test(l))) return resultList(lines, names);
  const source = lines.map((text, line) => ({ text, line, column: 0 }));
  const filled = fillHoles(source, form, names, { completeHead: form === 'expression' });
  return { wrap: form, lines: filled, chunks: [{ kind: 'code', first: 0, last: Math.max(0, lastWritten(lines, 0, lines.length - 1)) }] };
}

// ---------------------------------------------------------------------------------------------
// Tokens

type TokenKind = 'id' | 'number' | 'string' | 'path' | 'spath' | 'uri' | 'op' | 'hole' | 'comment' | 'other';

interface Token {
  kind: TokenKind;
  text: string;
  /** Offsets into the joined text. */
  start: number;
  end: number;
  /** A string or comment that runs to the end of the text. */
  unterminated?: boolean;
}

const PATH_CHAR = String.raw`[a-zA-Z0-9._+-]`;
/** Nix's lexer rules for the longest-match tokens, in its order. */
const RULES: Array<[TokenKind, RegExp]> = [
  ['id', /[A-Za-z_][A-Za-z0-9_'-]*/y],
  ['number', /[0-9]+/y],
  ['number', /(?:[1-9][0-9]*\.[0-9]*|0?\.[0-9]+)(?:[Ee][+-]?[0-9]+)?/y],
  ['path', new RegExp(String.raw`${PATH_CHAR}*(?:\/${PATH_CHAR}+)+\/?`, 'y')],
  ['path', new RegExp(String.raw`~(?:\/${PATH_CHAR}+)+\/?`, 'y')],
  ['spath', new RegExp(String.raw`<${PATH_CHAR}+(?:\/${PATH_CHAR}+)*>`, 'y')],
  ['uri', /[a-zA-Z][a-zA-Z0-9+\-.]*:[a-zA-Z0-9%/?:@&=+$,\-_.!~*']+/y],
];
/** `<your host name>`: a placeholder in angle brackets that is not a search path. */
const ANGLE_PLACEHOLDER = /<[A-Za-z][A-Za-z0-9 _.-]*[A-Za-z0-9]>/y;
const OPERATORS = ['...', '${', '==', '!=', '<=', '>=', '&&', '||', '->', '//', '++'];
const KEYWORDS = new Set(['let', 'in', 'rec', 'inherit', 'with', 'assert', 'if', 'then', 'else', 'or']);

/** Nix's tokens, near enough to tell code from strings and comments and to follow brackets. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const token = tokenAt(text, i);
    if (!token) {
      i++;
      continue;
    }
    tokens.push(token);
    i = token.end;
  }
  return tokens;
}

function tokenAt(text: string, i: number): Token | undefined {
  const c = text[i]!;
  if (/\s/.test(c)) return undefined;
  const make = (kind: TokenKind, end: number, unterminated = false): Token => ({
    kind,
    text: text.slice(i, end),
    start: i,
    end,
    ...(unterminated ? { unterminated } : {}),
  });
  if (c === '#') {
    const end = text.indexOf('\n', i);
    return make('comment', end === -1 ? text.length : end);
  }
  if (text.startsWith('/*', i)) {
    const end = text.indexOf('*/', i + 2);
    return end === -1 ? make('comment', text.length, true) : make('comment', end + 2);
  }
  if (c === '"') return stringToken(text, i, make, false);
  if (text.startsWith("''", i)) return stringToken(text, i, make, true);
  if (c === '…') return make('hole', i + 1);
  if (c === '«') {
    const end = guillemetEnd(text, i);
    if (end !== undefined) return make('hole', end);
  }
  let best: Token | undefined;
  for (const [kind, rule] of RULES) {
    rule.lastIndex = i;
    const match = rule.exec(text);
    if (match && (!best || i + match[0].length > best.end)) best = make(kind, i + match[0].length);
  }
  if (best) return best;
  ANGLE_PLACEHOLDER.lastIndex = i;
  const angle = ANGLE_PLACEHOLDER.exec(text);
  if (angle) return make('hole', i + angle[0].length);
  const op = OPERATORS.find((o) => text.startsWith(o, i));
  if (op) return make(op === '...' ? 'hole' : 'op', i + op.length);
  return make(/[{}[\]();:,=.@?+\-*/<>!]/.test(c) ? 'op' : 'other', i + 1);
}

/** `«…»`, nested as Nix prints them (`«lambda f @ «string»:1:2»`), on one line. */
function guillemetEnd(text: string, i: number): number | undefined {
  let depth = 0;
  for (let j = i; j < text.length && text[j] !== '\n'; j++) {
    if (text[j] === '«') depth++;
    else if (text[j] === '»' && --depth === 0) return j + 1;
  }
  return undefined;
}

/** A string (`"…"` or `''…''`), with its interpolations, to its end. */
function stringToken(text: string, i: number, make: (kind: TokenKind, end: number, unterminated?: boolean) => Token, indented: boolean): Token {
  let j = i + (indented ? 2 : 1);
  while (j < text.length) {
    if (indented) {
      if (text.startsWith("'''", j) || text.startsWith("''$", j)) j += 3;
      else if (text.startsWith("''\\", j)) j += 4;
      else if (text.startsWith("''", j)) return make('string', j + 2);
      else if (text.startsWith('$${', j)) j += 3;
      else if (text.startsWith('${', j)) j = interpolationEnd(text, j + 2);
      else j++;
    } else if (text[j] === '\\') j += 2;
    else if (text[j] === '"') return make('string', j + 1);
    else if (text.startsWith('$${', j)) j += 3;
    else if (text.startsWith('${', j)) j = interpolationEnd(text, j + 2);
    else j++;
  }
  return make('string', text.length, true);
}

/** The offset after the `}` that closes an interpolation opened just before `i`. */
function interpolationEnd(text: string, i: number): number {
  let depth = 1;
  let j = i;
  while (j < text.length) {
    const token = tokenAt(text, j);
    if (!token) {
      j++;
      continue;
    }
    if (token.text === '{' || token.text === '${') depth++;
    else if (token.text === '}' && --depth === 0) return token.end;
    j = token.end;
  }
  return text.length;
}

// ---------------------------------------------------------------------------------------------
// Placeholders and heads

interface SourceLine {
  text: string;
  line: number;
  column: number;
}

/** Fresh names for holes: `__hole1`, … unless the code already uses that prefix. */
function freshNames(code: string): () => string {
  let prefix = '__hole';
  while (code.includes(prefix)) prefix += '_';
  let n = 0;
  return () => `${prefix}${++n}`;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

type State = 'bind' | 'attr' | 'inherit' | 'expr' | 'formal' | 'invalid';
interface Frame {
  kind: 'top' | 'set' | 'let' | 'formals' | 'list' | 'paren' | 'interp';
  state: State;
  /** `with …;` and `assert …;` heads whose `;` is still to come. */
  heads: number;
}

/**
 * The lines with every placeholder replaced by what its place needs: a name where an
 * expression or attribute name goes, a binding where a binding goes, `...` where a function's
 * formals end. With `completeHead`, a block that ends with a head (`in`, `:`, `with …;`) gets a
 * body. What is not a placeholder is left as written.
 */
function fillHoles(source: SourceLine[], start: Form, fresh: () => string, options: { completeHead: boolean }): OutLine[] {
  const text = source.map((l) => l.text).join('\n');
  const tokens = tokenize(text).filter((t) => t.kind !== 'comment');
  const edits: Edit[] = [];
  const stack: Frame[] = [{ kind: start === 'bindings' ? 'set' : 'top', state: start === 'bindings' ? 'bind' : 'expr', heads: 0 }];
  const top = () => stack.at(-1)!;
  tokens.forEach((token, k) => {
    const frame = top();
    const next = tokens[k + 1]?.text;
    if (isHole(token, frame.state)) {
      const filler = holeFiller(token, frame.state, next, fresh);
      if (filler !== token.text) edits.push({ start: token.start, end: token.end, text: filler });
      if (frame.state === 'bind' && (next === '=' || next === '.')) frame.state = 'attr';
      return;
    }
    step(stack, tokens, k);
  });
  const last = tokens.at(-1);
  const appended: string[] = [];
  if (options.completeHead && last && stack.length === 1 && top().state === 'expr' && ['in', ':', ';'].includes(last.text)) appended.push(fresh());
  return emit(source, edits, appended);
}

function isHole(token: Token, state: State): boolean {
  if (token.kind === 'hole') return !(token.text === '...' && state === 'formal');
  // `<name>` lexes as a search path; where a name goes it can only be a placeholder.
  return token.kind === 'spath' && (state === 'bind' || state === 'attr' || state === 'inherit');
}

function holeFiller(token: Token, state: State, next: string | undefined, fresh: () => string): string {
  if (state === 'formal') return next === '}' ? '...' : fresh();
  if (state === 'bind' && next !== '=' && next !== '.') {
    const name = fresh();
    return `${name} = ${name};`;
  }
  return token.kind === 'hole' || token.kind === 'spath' ? fresh() : token.text;
}

/** Follows one token through the brackets, bindings and heads of an expression. */
function step(stack: Frame[], tokens: readonly Token[], k: number): void {
  const token = tokens[k]!;
  const frame = stack.at(-1)!;
  const push = (kind: Frame['kind'], state: State) => stack.push({ kind, state, heads: 0 });
  const t = token.kind === 'op' || (token.kind === 'id' && KEYWORDS.has(token.text)) ? token.text : token.kind;
  switch (t) {
    case '{':
      if (frame.state === 'bind') frame.state = 'attr';
      if (isFormals(tokens, k)) push('formals', 'formal');
      else push('set', 'bind');
      return;
    case '${':
      if (frame.state === 'bind') frame.state = 'attr';
      push('interp', 'expr');
      return;
    case '[':
      push('list', 'expr');
      return;
    case '(':
      push('paren', 'expr');
      return;
    case '}':
    case ']':
    case ')':
      if (stack.length > 1) stack.pop();
      return;
    case 'let':
      push('let', 'bind');
      return;
    case 'in':
      if (frame.kind === 'let') {
        stack.pop();
        stack.at(-1)!.state = 'expr';
      }
      return;
    case 'inherit':
      if (frame.state === 'bind') frame.state = 'inherit';
      return;
    case '=':
      if (frame.state === 'attr' || frame.state === 'bind') {
        frame.state = 'expr';
        frame.heads = 0;
      }
      return;
    case ';':
      if (frame.heads > 0) {
        frame.heads--;
        frame.state = 'expr';
      } else frame.state = frame.kind === 'set' || frame.kind === 'let' ? 'bind' : 'invalid';
      return;
    case 'with':
    case 'assert':
      frame.heads++;
      frame.state = 'expr';
      return;
    case ',':
      if (frame.kind === 'formals') frame.state = 'formal';
      return;
    case '?':
      if (frame.kind === 'formals') frame.state = 'expr';
      return;
    case ':':
      frame.state = 'expr';
      return;
    default:
      if (frame.state === 'bind') frame.state = 'attr';
  }
}

/** A `{` that opens a function's formals: its `}` is followed by `:` or `@`, or `@` precedes it. */
function isFormals(tokens: readonly Token[], k: number): boolean {
  if (tokens[k - 1]?.text === '@') return true;
  let depth = 0;
  for (let j = k; j < tokens.length; j++) {
    const t = tokens[j]!.text;
    if (tokens[j]!.kind !== 'op') continue;
    if (t === '{' || t === '${') depth++;
    else if (t === '}' && --depth === 0) return tokens[j + 1]?.text === ':' || tokens[j + 1]?.text === '@';
  }
  return false;
}

/**
 * Out lines for source lines with edits: text before an edit keeps its line, the inserted text
 * gets a line of its own (mapped to the placeholder), and the rest is padded back to its
 * column. Appended text maps just past the last written line.
 */
function emit(source: SourceLine[], edits: Edit[], appended: string[]): OutLine[] {
  const out: OutLine[] = [];
  let offset = 0;
  for (const line of source) {
    const inLine = edits.filter((e) => e.start >= offset && e.end <= offset + line.text.length);
    let from = 0;
    for (const edit of inLine) {
      const start = edit.start - offset;
      out.push({ text: ' '.repeat(from) + line.text.slice(from, start), line: line.line, column: line.column });
      out.push({ text: edit.text, line: line.line, column: line.column + start });
      from = edit.end - offset;
    }
    out.push({ text: ' '.repeat(from) + line.text.slice(from), line: line.line, column: line.column });
    offset += line.text.length + 1;
  }
  const end = pastEnd(source);
  for (const text of appended) out.push({ text, ...end });
  return out;
}

/** The place just past the last written character of some lines. */
function pastEnd(source: readonly SourceLine[]): { line: number; column: number } {
  const last = [...source].reverse().find((l) => l.text.trim() !== '') ?? source.at(-1);
  return last ? { line: last.line, column: last.column + last.text.trimEnd().length } : { line: 0, column: 0 };
}

function lastWritten(lines: readonly string[], first: number, last: number): number {
  for (let i = last; i >= first; i--) if (lines[i]!.trim() !== '') return i;
  return first;
}

// ---------------------------------------------------------------------------------------------
// Sessions and results

const REPL_PROMPT = /^(\s*)nix-repl>( ?)/;
const RESULT_LINE = /^(\s*)=>(\s|$)/;
/** `x = …` in the repl: a binding, not an expression. */
const REPL_BINDING = /^\s*[A-Za-z_][\w'-]*(?:\s*\.\s*[A-Za-z_][\w'-]*)*\s*=(?!=)/;
/** Repl commands whose argument is an expression; the others are not Nix. */
const EXPRESSION_COMMANDS = new Set(['a', 'add', 'b', 'bl', 'e', 'edit', 'i', 'log', 'p', 'print', 'u']);
/** Repl commands whose output is a value. */
const VALUE_COMMANDS = new Set(['p', 'print']);
/** Output lines that are the repl talking, not a value. */
const MESSAGE = /^\s*(?:error|warning|trace|info)\b:?|^\s*(?:Added \d+ variables|Loading |Welcome to Nix|Type :\? for help|This derivation produced)/;

interface Part {
  kind: Chunk['kind'];
  form: Form;
  lines: SourceLine[];
}

/**
 * A `nix-repl>` session: each input (with its continuation lines, while its brackets are
 * open) and each value printed after an expression, as one element of a list. Lines before
 * the first prompt, repl messages and errors are not Nix and are left out.
 */
function replSession(lines: readonly string[], fresh: () => string): PartialCode {
  const parts: Part[] = [];
  let i = lines.findIndex((l) => REPL_PROMPT.test(l));
  while (i < lines.length && i !== -1) {
    const prompt = REPL_PROMPT.exec(lines[i]!)!;
    const blank = ' '.repeat(prompt[0].length);
    let input = blank + lines[i]!.slice(prompt[0].length);
    let checked: 'expression' | 'bindings' | 'value' | 'none' = REPL_BINDING.test(input) ? 'bindings' : 'expression';
    const command = /^(\s*):([a-z?]+)/.exec(input);
    if (command) {
      const name = command[2]!;
      checked = EXPRESSION_COMMANDS.has(name) ? (VALUE_COMMANDS.has(name) ? 'value' : 'expression') : 'none';
      input = checked === 'none' ? '' : ' '.repeat(command[0].length) + input.slice(command[0].length);
    }
    const inputLines: SourceLine[] = [{ text: input, line: i, column: 0 }];
    i++;
    // Continuation lines, while the input is unfinished.
    while (i < lines.length && !REPL_PROMPT.test(lines[i]!) && isOpen(inputLines.map((l) => l.text).join('\n'))) {
      inputLines.push({ text: lines[i]!, line: i, column: 0 });
      i++;
    }
    const output: SourceLine[] = [];
    for (; i < lines.length && !REPL_PROMPT.test(lines[i]!); i++) output.push({ text: lines[i]!, line: i, column: 0 });
    if (input.trim() === '') continue;
    if (checked !== 'none') parts.push({ kind: 'input', form: checked === 'bindings' ? 'bindings' : 'expression', lines: inputLines });
    const shown = shownValue(output);
    // Only a plain expression or `:p` prints its value; `:b`, `:e`, … print something else.
    if (shown && (checked === 'value' || (checked === 'expression' && !command))) {
      parts.push({ kind: 'output', form: 'expression', lines: shown });
    }
  }
  return listOf(parts, fresh, lines);
}

/** The value printed after an input: none when the repl printed a message or an error. */
function shownValue(output: SourceLine[]): SourceLine[] | undefined {
  const written = output.filter((l) => l.text.trim() !== '');
  const first = written.findIndex((l) => !/^\s*(?:trace|warning):/.test(l.text));
  if (first === -1 || MESSAGE.test(written[first]!.text)) return undefined;
  return written.slice(first);
}

/**
 * A block of expressions, each followed by `=> value`: each expression and each value is an
 * element of a list. A value runs on over following lines while its brackets are open.
 */
function resultList(lines: readonly string[], fresh: () => string): PartialCode {
  const parts: Part[] = [];
  let pending: SourceLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const arrow = RESULT_LINE.exec(lines[i]!);
    if (!arrow) {
      pending.push({ text: lines[i]!, line: i, column: 0 });
      continue;
    }
    if (pending.some((l) => l.text.trim() !== '')) parts.push({ kind: 'expression', form: 'expression', lines: pending });
    pending = [];
    const value: SourceLine[] = [{ text: ' '.repeat(arrow[1]!.length + 2) + lines[i]!.slice(arrow[1]!.length + 2), line: i, column: 0 }];
    while (i + 1 < lines.length && !RESULT_LINE.test(lines[i + 1]!) && isOpen(value.map((l) => l.text).join('\n'))) {
      i++;
      value.push({ text: lines[i]!, line: i, column: 0 });
    }
    if (!MESSAGE.test(value[0]!.text)) parts.push({ kind: 'result', form: 'expression', lines: value });
  }
  if (pending.some((l) => l.text.trim() !== '')) parts.push({ kind: 'expression', form: 'expression', lines: pending });
  return listOf(parts, fresh, lines);
}

/** Parts as elements of one list: `( expression )` or `{ bindings; }`, each closed past its last line. */
function listOf(parts: Part[], fresh: () => string, lines: readonly string[]): PartialCode {
  const out: OutLine[] = [{ text: '[', line: 0, column: 0 }];
  const chunks: Chunk[] = [];
  for (const part of parts) {
    const first = part.lines[0]!;
    const end = pastEnd(part.lines);
    out.push({ text: part.form === 'bindings' ? '{' : '(', line: first.line, column: 0 });
    out.push(...fillHoles(part.lines, part.form, fresh, { completeHead: false }));
    out.push({ text: part.form === 'bindings' ? ';}' : ')', ...end });
    chunks.push({ kind: part.kind, first: first.line, last: end.line });
  }
  out.push({ text: ']', ...pastEnd(lines.map((text, line) => ({ text, line, column: 0 }))) });
  return { wrap: 'expression', lines: out, chunks };
}

// ---------------------------------------------------------------------------------------------
// Gaps

/** Brackets (and `let`s) left open at the end of some code, innermost last. */
export function openBrackets(code: string): Array<{ text: string; line: number }> {
  const open: Array<{ text: string; line: number }> = [];
  const lineOf = (offset: number) => code.slice(0, offset).split('\n').length - 1;
  const closes: Record<string, string> = { '}': '{', ']': '[', ')': '(' };
  for (const token of tokenize(code)) {
    if (token.kind === 'comment') continue;
    const t = token.text;
    if (token.kind === 'op' && (t === '{' || t === '${' || t === '[' || t === '(')) open.push({ text: t, line: lineOf(token.start) });
    else if (token.kind === 'id' && t === 'let') open.push({ text: t, line: lineOf(token.start) });
    else if (token.kind === 'id' && t === 'in' && open.at(-1)?.text === 'let') open.pop();
    else if (token.kind === 'op' && closes[t]) {
      while (open.at(-1)?.text === 'let') open.pop();
      if (open.at(-1)?.text === closes[t] || (t === '}' && open.at(-1)?.text === '${')) open.pop();
    }
  }
  return open;
}

/** Whether some code is unfinished: a bracket or `let` left open, or a string or comment not closed. */
function isOpen(code: string): boolean {
  return openBrackets(code).length > 0 || tokenize(code).some((t) => t.unterminated);
}

/**
 * Why a parse error just past the end of a chunk's last line is a gap: what the chunk leaves
 * open, with page lines. `pageLine` turns a 0-based code line into a page line.
 */
export function gapReason(code: string, chunk: Chunk, nixMessage: string, pageLine: (line: number) => number): string {
  const lines = code.split('\n');
  const text = lines.map((l, i) => (i >= chunk.first && i <= chunk.last ? l : '')).join('\n');
  const open = openBrackets(text);
  const subject = {
    code: 'This block',
    input: 'This `nix-repl>` input',
    output: 'This printed value',
    expression: 'The code before `=>`',
    result: 'This `=>` result',
  }[chunk.kind];
  const what = chunk.kind === 'output' || chunk.kind === 'result' ? 'its value' : 'its expression';
  let detail: string;
  if (open.length) {
    const named = open.map((o) => (o.text === 'let' ? `the \`let\` at line ${pageLine(o.line)} has no \`in\`` : `the \`${o.text}\` at line ${pageLine(o.line)} is never closed`));
    detail = named.join('; ');
  } else {
    const expecting = /expecting (.+)$/.exec(nixMessage)?.[1];
    detail = expecting ? `Nix expected ${expecting} after its last line` : 'its last line leaves the expression unfinished';
  }
  return `${subject} ends before ${what} does: ${detail}.`;
}
