/**
 * Snippet annotations: which flake and file a code block belongs to, or why it is exempt.
 *
 * Annotations live in the code-fence meta and use Expressive Code's own meta syntax
 * (`key="value"`), parsed by Expressive Code's own parser, so the site and the verifier
 * read the same thing. Problems are collected, never thrown.
 */
import { MetaOptions } from '@expressive-code/core';
import { flakeNameProblem, flakePathProblem } from '../../scripts/verifier/paths.ts';
import type { Annotation } from '../../scripts/verifier/types.ts';

/** Keys this project adds to the meta syntax. */
const OWN_KEYS = ['flake', 'title', 'slot', 'skip', 'fails', 'host'] as const;

/** Keys Expressive Code and its bundled plugins understand; they pass through untouched. */
const EXPRESSIVE_CODE_KEYS = [
  'title',
  'frame',
  'mark',
  'ins',
  'del',
  'wrap',
  'preserveIndent',
  'hangingIndent',
  'showLineNumbers',
  'startLineNumber',
  'collapse',
  'collapseStyle',
  'useDiffSyntax',
] as const;

const KNOWN_KEYS = new Set<string>([...OWN_KEYS, ...EXPRESSIVE_CODE_KEYS].map((k) => k.toLowerCase()));
type OwnKey = (typeof OWN_KEYS)[number];
const OWN_KEY_SET = new Set<string>(OWN_KEYS);
/** Keys that make any block the verifier's business; `title` alone is Expressive Code's. */
const CLAIMING_KEYS = new Set<string>(OWN_KEYS.filter((k) => k !== 'title'));
const EXAMPLES: Record<OwnKey, string> = {
  flake: '`flake="simple"`',
  title: '`title="configuration.nix"`',
  slot: '`slot="body"`',
  skip: '`skip="needs the hardware"`',
  fails: '`fails="attribute \'x\' missing"`',
  host: '`host="hero"`',
};
const QUOTES = ['"', "'", '`'];

/** Languages whose blocks are Nix code. */
export const NIX_LANGS = new Set(['nix']);
/** Languages whose blocks may be command blocks (`$ nix …` plus expected output). */
export const COMMAND_LANGS = new Set(['console', 'sh', 'shell', 'shell-session', 'bash']);

export interface AnnotationResult {
  annotation: Annotation;
  /** Problems with the annotation; each is a complete sentence. */
  problems: string[];
}

export interface AnnotationOptions {
  /** Unannotated Nix blocks are an error (true) or parse-checked only (false). */
  strict: boolean;
}

/**
 * MyST writes a code block as a directive: ```` ```{code-block} nix ````, with the language
 * first in what remark reads as the meta. `{code}` and `{sourcecode}` are its other names.
 */
const MYST_CODE_DIRECTIVE = /^\{(?:code-block|code|sourcecode)\}$/i;

/** A fence's language and meta, with a MyST code directive read as the language it names. */
export function fenceLanguage(lang: string | null | undefined, meta: string | null | undefined): { lang: string; meta: string; myst: boolean } {
  if (!lang || !MYST_CODE_DIRECTIVE.test(lang)) return { lang: lang ?? '', meta: meta ?? '', myst: false };
  const [language = '', ...rest] = (meta ?? '').trim().split(/\s+/);
  return { lang: language, meta: rest.join(' '), myst: true };
}

/**
 * MyST options at the top of a directive's body (`:caption: default.nix` lines, or a YAML
 * block between `---` lines), and the blank line after them: how many lines they take.
 */
export function mystOptionLines(code: string): number {
  const lines = code.split('\n');
  let n = 0;
  if (lines[0]?.trim() === '---') {
    const close = lines.findIndex((l, i) => i > 0 && l.trim() === '---');
    if (close === -1) return 0;
    n = close + 1;
  } else {
    while (n < lines.length && /^:[\w-]+:(?:\s|$)/.test(lines[n]!)) n++;
  }
  if (n > 0 && n < lines.length && lines[n]!.trim() === '') n++;
  return n;
}

/** Reads a code block's language and meta string into an annotation. */
export function parseAnnotation(
  fenceLang: string | null | undefined,
  fenceMeta: string | null | undefined,
  options: AnnotationOptions,
): AnnotationResult {
  const { lang, meta } = fenceLanguage(fenceLang, fenceMeta);
  const problems: string[] = [];
  const parsed = new MetaOptions(meta);
  const language = lang.toLowerCase();
  const isNix = NIX_LANGS.has(language);

  const list = parsed.list();
  // Keys that make a block the verifier's, whatever its language (`title` alone does not).
  const claims = list.some((o) => o.key && CLAIMING_KEYS.has(o.key.toLowerCase()));
  const ours = isNix || claims;
  // Without --strict (someone else's docs), meta the verifier does not own is not its
  // business: other languages' fences, unknown keys, Expressive Code's `title` alone.
  const owned = options.strict || claims;
  if (owned) problems.push(...(parsed.errors ?? []).map((e) => `The code-fence meta could not be read: ${e}.`));
  const unreadable = { role: isNix ? 'lint' : 'ignored' } as const;
  if (!options.strict && !isNix && !(claims && COMMAND_LANGS.has(language))) return { annotation: { role: 'ignored' }, problems: [] };
  if (ours && owned) {
    // A broken quote shifts every key after it: report it alone.
    const quotes = list.flatMap((o) => (hasUnbalancedQuote(o) ? [unbalancedQuoteMessage(o.raw)] : []));
    if (quotes.length) return { annotation: unreadable, problems: [...problems, ...quotes] };
  }

  const seen = new Map<string, string[]>();
  const malformed: string[] = [];
  for (const option of list) {
    if (!option.key) continue;
    const key = option.key.toLowerCase();
    if (!KNOWN_KEYS.has(key)) {
      if (options.strict) problems.push(unknownKeyMessage(option.key));
      continue;
    }
    if (!ours || !OWN_KEY_SET.has(key)) continue;
    if (option.kind === 'boolean') {
      malformed.push(`\`${option.key}\` has no value: write \`${option.key}="…"\`, e.g. ${EXAMPLES[key as OwnKey]}.`);
    }
    seen.set(key, [...(seen.get(key) ?? []), option.raw.trim()]);
  }
  for (const [key, given] of seen) {
    if (given.length > 1) malformed.push(`\`${key}\` is given ${given.length} times (${given.map((g) => `\`${g}\``).join(', ')}). Give each key once.`);
  }
  if (malformed.length) return { annotation: unreadable, problems: [...problems, ...malformed] };

  const get = (key: OwnKey) => parsed.getString(key);
  const flake = get('flake');
  const file = get('title');
  const slot = get('slot');
  const skip = get('skip');
  const fails = get('fails');
  const host = get('host');
  // Names that become paths on disk: a block with a bad one is placed nowhere.
  const unsafe = [...defined(flake ? flakeNameProblem(flake) : undefined), ...defined(flake && file ? flakePathProblem(file) : undefined)];
  if (unsafe.length) return { annotation: unreadable, problems: [...problems, ...unsafe] };

  if (skip !== undefined) {
    if (!skip.trim()) problems.push('`skip` needs a reason that readers can see, e.g. `skip="needs the hardware"`.');
    if (fails !== undefined) problems.push('A block cannot be both exempt (`skip`) and an expected failure (`fails`).');
    const target = flake && file ? { flake, file, ...(slot ? { slot } : {}) } : undefined;
    return { annotation: { role: 'exempt', reason: skip, ...(target ? { target } : {}) }, problems };
  }

  if (!isNix) {
    if (flake !== undefined && COMMAND_LANGS.has(language)) {
      if (fails !== undefined || slot !== undefined) {
        problems.push('Command blocks take only `flake` and `host`; `slot` and `fails` are for Nix blocks.');
      }
      if (host !== undefined && !/^[A-Za-z][A-Za-z0-9_-]*$/.test(host)) {
        problems.push(`\`host="${host}"\` is not a name of \`nixosConfigurations\`: letters, digits, \`_\` and \`-\`, starting with a letter.`);
        return { annotation: { role: 'command', flake }, problems };
      }
      return { annotation: { role: 'command', flake, ...(host !== undefined ? { host } : {}) }, problems };
    }
    if (flake !== undefined) {
      problems.push(
        `\`flake\` is set on a \`${language || 'plain'}\` block. Only \`nix\` blocks and command blocks (${[...COMMAND_LANGS].map((l) => `\`${l}\``).join(', ')}) can belong to a flake.`,
      );
    }
    return { annotation: { role: 'ignored' }, problems };
  }

  if (host !== undefined) problems.push('`host` is for command blocks (`console`, `sh`): it runs them in that system, booted in a virtual machine.');
  // `title` alone is Expressive Code's frame title; only --strict asks for a flake with it.
  if (flake === undefined && (file === undefined || !options.strict) && slot === undefined && fails === undefined) {
    if (options.strict) {
      problems.push(
        'This `nix` block has no annotation, so the verifier does not know where it belongs. Add `flake="NAME" title="PATH"` (a whole file), `slot="NAME"` as well (a fragment), `fails="ERROR TEXT"` (an expected failure) or `skip="REASON"` (exempt).',
      );
    }
    return { annotation: { role: 'lint' }, problems };
  }

  if (!flake) problems.push('`flake` is missing: name the flake this block belongs to, e.g. `flake="simple"`.');
  if (!file) problems.push('`title` is missing: give the path of the file in the flake, e.g. `title="configuration.nix"`.');
  if (fails !== undefined && !fails.trim()) {
    problems.push('`fails` needs the text of the error Nix must print, e.g. `fails="attribute \'x\' missing"`.');
  }
  if (!flake || !file) return { annotation: { role: 'lint' }, problems };

  const target = { flake, file, ...(slot ? { slot } : {}) };
  if (fails !== undefined) return { annotation: { role: 'expected-failure', target, fails }, problems };
  if (slot !== undefined) return { annotation: { role: 'fragment', target: { ...target, slot } }, problems };
  return { annotation: { role: 'file', target }, problems };
}

/**
 * Expressive Code reads `title="a b` as the value `"a` and `flake="a title="b"` as the value
 * `a title="b`: a quoted value must open and close with its quote, with none inside unescaped.
 */
function hasUnbalancedQuote(option: { raw: string; key?: string | undefined; kind: string }): boolean {
  if (option.kind !== 'string') return false;
  const value = option.raw.trimStart().slice(option.key ? option.key.length + 1 : 0);
  const quote = value[0] ?? '';
  if (!QUOTES.includes(quote)) return false;
  return !new RegExp(`^${quote}(?:[^${quote}\\\\]|\\\\.)*${quote}$`, 's').test(value);
}

function unbalancedQuoteMessage(raw: string): string {
  return `The code-fence meta has an unbalanced quote in \`${raw.trim()}\`: close each value with the quote it opens with, e.g. \`flake="simple" title="configuration.nix"\`.`;
}

function defined<T>(value: T | undefined): T[] {
  return value === undefined ? [] : [value];
}

function unknownKeyMessage(key: string): string {
  const known = [...OWN_KEYS];
  const guess = known.find((k) => editDistance(k, key.toLowerCase()) <= 2);
  const hint = guess ? ` Did you mean \`${guess}\`?` : '';
  return `Unknown annotation key \`${key}\`.${hint} This project's keys are ${known.map((k) => `\`${k}\``).join(', ')}; Expressive Code's own keys are also allowed.`;
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
