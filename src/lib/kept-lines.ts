/**
 * The lines of a NixOS configuration that a reader keeps from their own system rather than
 * copying from the guide: `system.stateVersion`, the host name (`networking.hostName` and the
 * `nixosConfigurations.<name>` attribute of a flake) and the import of
 * `./hardware-configuration.nix`; all of `hardware-configuration.nix` itself. Found by Nix
 * syntax, outside comments and strings, never by line number. Pure.
 */

/** Why a line is the reader's own. */
export type KeptReason = 'state-version' | 'host-name' | 'hardware';

export interface KeptLine {
  /** 1-based. */
  line: number;
  reason: KeptReason;
}

const HARDWARE_FILE = 'hardware-configuration.nix';
/** The next token inside a "…" or a ''…'' string: an escape, `${`, the closing quote, or plain text. */
const STRING_TOKEN = {
  '"': /^(\\[\s\S]|\$\{|"|[^\\"$]+|\$)/,
  // `'''` and `''$` escape a quote and a dollar; `''\` escapes the character after it.
  "''": /^(''['$]|''\\[\s\S]|''|\$\{|[^'$]+|[\s\S])/,
} as const;

/** An attribute path segment: an identifier or a quoted name. */
const NAME = String.raw`(?:[A-Za-z_][\w'-]*|"[^"\\$]*")`;
/** Where a binding's attribute path starts: the start of a line, or after `{`, `;`, `(`, `[` or space; never after `.`. */
const START = String.raw`(?:^|[\s{;(\[])`;

const PATTERNS: { reason: KeptReason; pattern: RegExp }[] = [
  { reason: 'state-version', pattern: new RegExp(`${START}system\\s*\\.\\s*stateVersion\\s*=(?!=)`) },
  { reason: 'host-name', pattern: new RegExp(`${START}networking\\s*\\.\\s*hostName\\s*=(?!=)`) },
  // `nixosConfigurations.hero = …` and every other use of the name, e.g. `self.nixosConfigurations.hero`.
  { reason: 'host-name', pattern: new RegExp(`(?:^|[\\s{;(\\[.])nixosConfigurations\\s*\\.\\s*${NAME}`) },
  { reason: 'hardware', pattern: /(?:^|[\s[(])\.\/hardware-configuration\.nix(?=$|[\s\]);])/ },
];

/**
 * The kept lines of the file at `path` (relative to its flake), in line order, one entry per
 * line. Files other than `.nix` files have none.
 */
export function keptLines(path: string, text: string): KeptLine[] {
  if (!path.endsWith('.nix')) return [];
  const lines = text.replace(/\n$/, '').split('\n');
  if (isHardwareConfiguration(path)) {
    return lines.map((_, i) => ({ line: i + 1, reason: 'hardware' }));
  }
  const code = withoutCommentsAndStrings(text).split('\n');
  const kept: KeptLine[] = [];
  code.forEach((line, i) => {
    const match = PATTERNS.find(({ pattern }) => pattern.test(line));
    if (match) kept.push({ line: i + 1, reason: match.reason });
  });
  return kept;
}

/**
 * `text` with comments and the contents of strings replaced by spaces, line breaks kept, so
 * that patterns see only code: `# system.stateVersion = …` or `"networking.hostName = x"` are
 * not settings. Quoted attribute names (`nixosConfigurations."my-host"`) keep their quotes and
 * contents, as they are names, not values. Interpolations inside strings stay code.
 */
export function withoutCommentsAndStrings(text: string): string {
  let out = '';
  let i = 0;
  // Each open `${` inside a string pushes the string kind to return to at its `}`.
  const stack: ('"' | "''" | '{')[] = [];
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  const inString = () => {
    const top = stack.at(-1);
    return top === '"' || top === "''" ? top : undefined;
  };
  while (i < text.length) {
    const kind = inString();
    const rest = text.slice(i);
    if (kind) {
      const token = STRING_TOKEN[kind].exec(rest)![0];
      if (token === '${') stack.push('{');
      else if (token === kind) stack.pop();
      out += token === '${' || token === kind ? token : blank(token);
      i += token.length;
      continue;
    }
    const comment = /^(#[^\n]*|\/\*[\s\S]*?(?:\*\/|$))/.exec(rest);
    if (comment) {
      out += blank(comment[0]);
      i += comment[0].length;
      continue;
    }
    const char = text[i]!;
    if (char === '"') {
      // A quoted attribute name (after `.`) is part of the path: keep it as it is.
      const name = /^"[^"\\$]*"/.exec(rest);
      if (name && /\.\s*$/.test(out)) {
        out += name[0];
        i += name[0].length;
        continue;
      }
      stack.push('"');
    } else if (rest.startsWith("''")) {
      stack.push("''");
      out += "''";
      i += 2;
      continue;
    } else if (char === '{') {
      if (stack.length) stack.push('{');
    } else if (char === '}' && stack.at(-1) === '{') {
      stack.pop();
    }
    out += char;
    i++;
  }
  return out;
}

const REASON_ORDER: KeptReason[] = ['state-version', 'host-name', 'hardware'];

/** The reasons among `kept`, each once, in a fixed order (for the note above a file). */
export function keptReasons(kept: KeptLine[]): KeptReason[] {
  return REASON_ORDER.filter((reason) => kept.some((k) => k.reason === reason));
}

/** Whether `path` is the hardware configuration itself, kept whole. */
export function isHardwareConfiguration(path: string): boolean {
  return path === HARDWARE_FILE || path.endsWith(`/${HARDWARE_FILE}`);
}
