/** Provided by src/lib/starlight-verified-snippets.ts. */
declare module 'virtual:verified-snippets/context' {
  /** Absolute path of the project root. */
  export const root: string;
  /** Absolute path of the verifier's output directory (`.verify`). */
  export const verifyDir: string;
}
