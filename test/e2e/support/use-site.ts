/**
 * The served site for a test file: the one global-setup.ts provides, or, when the `e2e`
 * project has no `globalSetup` configured, a build made once per test run (the first file
 * builds, a stamp tells later files) served by this file itself.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { buildSite, ROOT, serveSite, type ServedSite } from './site.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    siteUrl: string;
  }
}

const STAMP = join(ROOT, 'test-results', '.e2e-build-stamp');

export async function useSite(): Promise<ServedSite> {
  const url = inject('siteUrl');
  if (url) return { url, close: async () => {} };
  const run = String(process.ppid);
  const built = existsSync(STAMP) && readFileSync(STAMP, 'utf8') === run;
  if (!built && !process.env.E2E_SKIP_BUILD) {
    buildSite();
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    writeFileSync(STAMP, run);
  }
  return serveSite();
}
