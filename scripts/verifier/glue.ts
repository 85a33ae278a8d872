/**
 * Glue: the parts of each flake that no page shows, read from `src/flakes/`.
 *
 *   src/flakes/NAME/<path>         files of flake NAME; templates have `# slot: SLOT` lines
 *   src/flakes/NAME.json           optional manifest: { "inputs": { "nur": "nur" } }
 *   src/flakes/NAME.checks.nix     optional claims that must hold at the eval level
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { z } from 'zod';
import { normaliseLineEnds } from './line-ends.ts';
import type { Diagnostic } from './types.ts';

export interface GlueFile {
  /** Path inside the flake. */
  path: string;
  /** Path on disk, relative to the project root: where readers and errors are pointed. */
  source: string;
  text: string;
}

export interface GlueFlake {
  name: string;
  files: GlueFile[];
  /** Input name -> name of the assembled flake that replaces it. */
  inputs: Record<string, string>;
  /** The folder a reader's download unpacks to (`hero`), when it is not the flake's name. */
  folder?: string;
  /** The machine each host boots as at the boot level: `slimbook-hero` or `plain` (the default). */
  machines?: Record<string, 'slimbook-hero' | 'plain'>;
  /** Where the manifest is, when there is one (display path). */
  manifest?: string;
  checks?: GlueFile;
}

const manifestSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  inputs: z.record(z.string(), z.string()).default({}),
  folder: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a folder name: lowercase letters, digits and -').optional(),
  machines: z.record(z.string(), z.enum(['slimbook-hero', 'plain'])).optional(),
});

/**
 * The glue flakes under `dir`. Read with synchronous calls: for hundreds of small files, a few
 * system calls each in a row are several times faster than as many queued on libuv's pool.
 */
export function loadGlue(dir: string, root: string): { flakes: GlueFlake[]; diagnostics: Diagnostic[] } {
  if (!existsSync(dir)) return { flakes: [], diagnostics: [] };
  const entries = readdirSync(dir, { withFileTypes: true });
  const names = new Set<string>();
  for (const entry of entries) {
    if (entry.isDirectory()) names.add(entry.name);
    else if (entry.name.endsWith('.checks.nix')) names.add(entry.name.slice(0, -'.checks.nix'.length));
    else if (entry.name.endsWith('.json')) names.add(entry.name.slice(0, -'.json'.length));
  }

  const flakes: GlueFlake[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const name of [...names].sort()) {
    const flakeDir = join(dir, name);
    const files = existsSync(flakeDir) ? readTree(flakeDir, root) : [];
    const manifestPath = join(dir, `${name}.json`);
    let inputs: Record<string, string> = {};
    let folder: string | undefined;
    let machines: GlueFlake['machines'];
    if (existsSync(manifestPath)) {
      const source = displayPath(root, manifestPath);
      try {
        const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(manifestPath, 'utf8')));
        if (parsed.success) ({ inputs, folder, machines } = parsed.data);
        else diagnostics.push(manifestProblem(source, z.prettifyError(parsed.error)));
      } catch (error) {
        diagnostics.push(manifestProblem(source, (error as Error).message));
      }
    }
    const checksPath = join(dir, `${name}.checks.nix`);
    const checks = existsSync(checksPath)
      ? { path: `${name}.checks.nix`, source: displayPath(root, checksPath), text: readText(checksPath) }
      : undefined;
    const manifest = existsSync(manifestPath) ? displayPath(root, manifestPath) : undefined;
    flakes.push({ name, files, inputs, ...(folder ? { folder } : {}), ...(machines ? { machines } : {}), ...(manifest ? { manifest } : {}), ...(checks ? { checks } : {}) });
  }
  return { flakes, diagnostics };
}

function readTree(dir: string, root: string): GlueFile[] {
  const files = readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const absolute = join(entry.parentPath, entry.name);
      return {
        path: relative(dir, absolute).split(sep).join('/'),
        source: displayPath(root, absolute),
        text: readText(absolute),
      };
    });
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** A glue file's text, with LF line ends whatever it was saved with, so `# slot:` lines are found. */
function readText(path: string): string {
  return normaliseLineEnds(readFileSync(path, 'utf8'));
}

/** Inside the project: relative to it, as errors show it; elsewhere: absolute. */
export function displayPath(root: string, path: string): string {
  const inside = relative(root, path);
  return inside.startsWith('..') ? path : inside;
}

function manifestProblem(file: string, detail: string): Diagnostic {
  return {
    reason: `The flake manifest is not valid: ${detail}\nIt takes { "inputs": { "INPUT": "FLAKE" } }, linking an input to another assembled flake.`,
    file,
    ruleId: 'manifest',
    fatal: true,
  };
}
