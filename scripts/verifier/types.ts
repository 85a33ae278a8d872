/**
 * Shared data types of the snippet verifier: the blocks it extracts, the flakes it
 * assembles and the report it writes. The site reads the report, so its shape is a
 * contract: bump `REPORT_VERSION` when it changes incompatibly.
 */

export const REPORT_VERSION = 4;

/** How far verification goes, in order: `boot` runs each system in a virtual machine. */
export const LEVELS = ['parse', 'eval', 'fetch', 'build', 'boot'] as const;
export type Level = (typeof LEVELS)[number];

/** A position in a source file, 1-based like unist. */
export interface Point {
  line: number;
  column: number;
}

/** What a code block is for, decided by its annotation. */
export type Role =
  /** The whole of one file of a flake. */
  | 'file'
  /** Part of a file: it fills a `# slot: NAME` line of a glue template. */
  | 'fragment'
  /** Not verified, for a reason the reader is shown. */
  | 'exempt'
  /** Replaces its target in a copy of the flake, which must then fail with the given text. */
  | 'expected-failure'
  /** Shell commands (`$ nix …`) run in the flake, with their expected output. */
  | 'command'
  /** Not annotated; parse-checked only (zero-config mode). */
  | 'lint';

export type Status = 'verified' | 'failed' | 'exempt' | 'not-run';

/** The placement of a block in an assembled flake. */
export interface Target {
  flake: string;
  /** Path of the file inside the flake, e.g. `pkgs/linux-packages/foo/package.nix`. */
  file: string;
  /** Slot name for fragments; absent for whole files. */
  slot?: string;
}

/** A fenced code block found in a page, with its annotation parsed. */
export interface Block {
  /** `page:line`, unique in a run. */
  id: string;
  /** Path of the page relative to the project root (or as given on the command line). */
  page: string;
  /** Position of the opening fence. */
  start: Point;
  /** Line of the first line of code (the line after the fence). */
  codeLine: number;
  /** Column at which code lines start (fences may be indented in lists). */
  codeColumn: number;
  lang: string;
  meta: string;
  code: string;
  annotation: Annotation;
}

export type Annotation =
  | { role: 'file'; target: Target }
  | { role: 'fragment'; target: Target & { slot: string } }
  | { role: 'exempt'; reason: string; target?: Target }
  | { role: 'expected-failure'; target: Target; fails: string }
  /** `host`: run inside that system, booted in the boot level's virtual machine. */
  | { role: 'command'; flake: string; host?: string }
  | { role: 'lint' }
  /** A non-Nix block with no annotation: not the verifier's business. */
  | { role: 'ignored' };

/** Where a line of an assembled file came from. */
export type LineOrigin =
  | { kind: 'glue'; path: string; line: number }
  | { kind: 'block'; blockId: string; page: string; line: number; columnOffset: number };

export interface AssembledFile {
  path: string;
  text: string;
  /** One entry per line of `text`. */
  origins: LineOrigin[];
}

/** A flake built from blocks and glue, ready to be written to disk. */
export interface AssembledFlake {
  name: string;
  /** For a variant built around an expected-failure block: that block's id. */
  variantOf?: string;
  files: AssembledFile[];
  /** Flake inputs that are other assembled flakes: input name -> flake name. */
  links: Record<string, string>;
  /** Path of the declared checks file (glue), if any. */
  checks?: string;
  /** The folder a download unpacks to, when it is not `name` (from the manifest). */
  folder?: string;
  /** The machine each host boots as at the boot level (from the manifest; `plain` otherwise). */
  machines?: Record<string, 'slimbook-hero' | 'plain'>;
}

/** A problem found by the verifier, shaped like a VFileMessage. */
export interface Diagnostic {
  /** What went wrong, in one or more lines. */
  reason: string;
  /** File the problem is reported against (an MDX page, a glue file). */
  file: string;
  place?: Point;
  /** Which check found it: `parse`, `eval`, `annotation`, `command`, … */
  ruleId: string;
  /** Extra lines: other places in the trace, hints. */
  notes?: string[];
  /** The block it belongs to, when there is one. */
  blockId?: string;
  /** true: a usage or environment problem (exit 2), not drift. */
  fatal?: boolean;
}

export type NixpkgsIdentity =
  /** `locked`: as Nix locked it; `fromLock`: the revision came from nixpkgs.lock.json, not the branch's head. */
  | { kind: 'pinned'; label: string; url: string; rev?: string; narHash?: string; locked?: Record<string, string | number | boolean>; fromLock?: boolean }
  | { kind: 'path'; label: string; path: string; rev?: string }
  /** `kernel`: what the stand-in's one buildable kernel is, or null when it has none. */
  | { kind: 'standin'; label: string; version: string; kernel?: string | null }
  /** Only parse-level checks ran: no flake, so no nixpkgs. */
  | { kind: 'none'; label: string };

export interface BlockReport {
  id: string;
  page: string;
  line: number;
  column: number;
  lang: string;
  role: Exclude<Annotation['role'], 'ignored'>;
  flake: string | null;
  file: string | null;
  slot: string | null;
  /** Highest level this block was verified at. */
  level: Level | null;
  status: Status;
  message: string | null;
  /** For exempt blocks: the reason shown to readers. For expected failures: the text. */
  reason: string | null;
  /** For expected failures that failed as stated: what Nix (or the compiler) said. */
  failedWith: string | null;
  /** The exact text of the block, as a reader copies it. */
  code: string;
}

export interface FlakeFileReport {
  path: string;
  /** Consecutive runs of lines with one origin, 1-based inclusive. */
  segments: { from: number; to: number; origin: 'glue' | 'block'; blockId?: string; source: string }[];
}

export interface FlakeReport {
  name: string;
  variantOf: string | null;
  files: FlakeFileReport[];
  links: Record<string, string>;
  level: Level | null;
  status: Status;
  checks: { name: string; status: Status }[];
  message: string | null;
  /** Why this flake stopped short of the requested level here (a source it could not get). */
  cap: string | null;
  /** Packages evaluated but not built here: the offline stand-in cannot build them (its reason). */
  notBuilt: { name: string; reason: string }[];
  /** The folder its download unpacks to. */
  folder: string;
  /** Kernels its module packages were built against, at the build level. */
  builtAgainst: string[];
  /** Its systems as the boot level ran them: the machine, and the kernel it booted. */
  booted: BootedHost[];
}

export interface BootedHost {
  host: string;
  /** `slimbook-hero` or `plain`. */
  machine: string;
  /** What the machine is, for readers. */
  description: string;
  /** The kernel release it booted (`uname -r`). */
  kernel: string;
}

export interface Report {
  version: typeof REPORT_VERSION;
  generatedAt: string;
  /** The command that reproduces this run. */
  command: string;
  /** `version`: the Nix language version; `name`: the implementation as it calls itself. */
  nix: { version: string; name: string };
  nixpkgs: NixpkgsIdentity;
  levelRequested: Level;
  blocks: BlockReport[];
  flakes: FlakeReport[];
  diagnostics: Diagnostic[];
  /** Why some flakes stopped short of `levelRequested` on this machine; empty when none did. */
  caps: string[];
  /** What module packages were built against, e.g. "Linux 6.12.117 (Debian source, NixOS-like configuration)". */
  builtAgainst: string[];
  summary: { blocks: number; verified: number; failed: number; exempt: number };
}
