/** Line ends. Pure. */

/** CRLF and lone CR line ends as LF: what Nix, the parser and the output comparison expect. */
export function normaliseLineEnds(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}
