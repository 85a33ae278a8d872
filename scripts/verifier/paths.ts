/**
 * Names that become paths on disk: a file's `title` inside its flake, a flake's name, and
 * the check that a resolved path stays inside its root. The validators are pure.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** Flake names: a letter, then letters, digits and dashes. They name folders and flake inputs. */
export const FLAKE_NAME = /^[a-z][a-z0-9-]*$/i;

/** Why `name` cannot name a flake, or undefined. */
export function flakeNameProblem(name: string): string | undefined {
  if (FLAKE_NAME.test(name)) return undefined;
  return `\`flake="${name}"\` is not a valid flake name: use a letter, then letters, digits and dashes, e.g. \`flake="simple"\`.`;
}

/** Why `path` is not a relative, normalised path inside a flake (`a/b.nix`), or undefined. */
export function flakePathProblem(path: string): string | undefined {
  const why = flakePathFault(path);
  if (!why) return undefined;
  return `\`title="${printable(path)}"\` is not a path inside the flake: ${why}. Give the file's path from the flake's root, with \`/\` between folders, e.g. \`title="pkgs/foo/package.nix"\`.`;
}

function flakePathFault(path: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'it contains a control character';
  if (path.includes('\\')) return 'it contains a backslash';
  if (path.startsWith('/')) return 'it is absolute';
  const segments = path.split('/');
  if (segments.includes('..')) return 'a `..` segment leads out of it';
  if (segments.includes('.')) return 'it has a `.` segment';
  if (segments.includes('')) return 'it has an empty segment (`//`, or a `/` at the end)';
  return undefined;
}

function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * `path` resolved against `root`, which it must stay strictly inside; throws otherwise.
 * A last line of defence for every path written to disk: annotations are checked earlier.
 */
export function resolveInside(root: string, path: string): string {
  const resolved = resolve(root, path);
  const inside = relative(resolve(root), resolved);
  if (path.includes('\0') || inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    throw new Error(`Refusing to write \`${printable(path)}\`: it resolves to ${resolved}, outside ${resolve(root)}.`);
  }
  return resolved;
}
