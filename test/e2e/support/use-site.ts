/** The served site, which test/e2e/global-setup.ts builds once per run and provides. */
import { inject } from 'vitest';
import type { ServedSite } from './site.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    siteUrl: string;
  }
}

export async function useSite(): Promise<ServedSite> {
  const url = inject('siteUrl');
  if (!url) throw new Error('No site: run the e2e tests through vitest.config.ts, whose globalSetup builds and serves it.');
  return { url, close: async () => {} };
}
