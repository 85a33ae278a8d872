/**
 * What the copy button of a shell-session block copies: the commands only. A line that starts
 * with `$ ` is a command (copied without the prompt); a command line ending in `\` continues
 * on the next line, which is copied as it is; every other line is output and is left out.
 * Several commands copy as several lines, which a shell runs one after the other.
 */
import { COMMAND_LANGS } from '../markdown/annotations.ts';

const PROMPT = '$ ';

/**
 * The text to copy from a block of language `lang`, or undefined when its copy button should
 * copy the block as it is: a language that is not a shell session, or a block without prompts
 * (a plain script).
 */
export function commandCopyText(lang: string, code: string): string | undefined {
  if (!COMMAND_LANGS.has(lang.toLowerCase())) return undefined;
  const lines = code.split('\n');
  if (!lines.some((line) => line.startsWith(PROMPT))) return undefined;
  const commands: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith(PROMPT)) continue;
    commands.push(lines[i]!.slice(PROMPT.length));
    while (lines[i]!.endsWith('\\') && i + 1 < lines.length) commands.push(lines[++i]!);
  }
  return commands.join('\n');
}
