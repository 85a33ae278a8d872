/** The verifier's output as the site's components and routes see it. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getCollection } from 'astro:content';
import { root, verifyDir } from 'virtual:verified-snippets/context';
import { siteUrl } from './urls.ts';
import { loadVerification, type Verification } from './verification.ts';

export function verification(): Verification {
  return loadVerification(verifyDir);
}

/** Repo-relative page path (`src/content/docs/simple.mdx`) → page URL and title. */
export async function pagesByPath(): Promise<Map<string, { url: string; title: string }>> {
  const entries = await getCollection('docs');
  return new Map(
    entries
      .filter((entry) => entry.filePath)
      .map((entry) => [
        entry.filePath!,
        { url: siteUrl(entry.id === 'index' ? '' : `${entry.id}/`), title: entry.data.title },
      ]),
  );
}

/**
 * The declared checks of a flake as the verifier evaluates them (`src/flakes/NAME.checks.nix`,
 * see README.md), so readers can see what each claim means.
 */
export function checksSource(flake: string): { path: string; text: string } | undefined {
  const path = `src/flakes/${flake}.checks.nix`;
  const full = join(root, path);
  return existsSync(full) ? { path, text: readFileSync(full, 'utf8') } : undefined;
}
