/**
 * The served site and a Chromium for one test file, started on first use. Each test awaits
 * `ready()`: when Chromium is missing or the build failed, every test fails with that error
 * (a failing `beforeAll` would only mark them skipped).
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll } from 'vitest';
import { launchBrowser, type Browser } from './browser.ts';
import type { ServedSite } from './site.ts';
import { useSite } from './use-site.ts';
import { readReport } from './report.ts';
import type { Report } from '../../../scripts/verifier/types.ts';

export interface Ready {
  url: string;
  context: BrowserContext;
  /** The report the site was built from, read once the build is done. */
  report: Report;
}

/** Call at the top of a test file; the browser closes after the file's tests. */
export function e2eFixture(): { ready(): Promise<Ready>; open(path: string): Promise<Page>; close(): Promise<void> } {
  let site: Promise<ServedSite> | undefined;
  let browser: Promise<Browser> | undefined;
  let report: Report | undefined;
  const fixture = {
    async ready() {
      site ??= useSite();
      const { url } = await site;
      browser ??= launchBrowser();
      const { context } = await browser;
      report ??= readReport();
      return { url, context, report };
    },
    /** A new page of the served site at `path`. */
    async open(path: string): Promise<Page> {
      const { url, context } = await fixture.ready();
      const page = await context.newPage();
      await page.goto(url + path);
      return page;
    },
    async close() {
      await (await browser?.catch(() => undefined))?.close();
      await (await site?.catch(() => undefined))?.close();
    },
  };
  afterAll(() => fixture.close());
  return fixture;
}
