/**
 * Vitest global setup of the `e2e` project: builds the site once, serves dist/ on
 * 127.0.0.1 for the whole run, and provides its URL to the tests as `siteUrl`.
 * `E2E_SKIP_BUILD=1` serves the existing dist/ without rebuilding (for iterating on tests).
 */
import type { TestProject } from 'vitest/node';
import { buildSite, serveSite } from './support/site.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!process.env.E2E_SKIP_BUILD) buildSite();
  const site = await serveSite();
  project.provide('siteUrl', site.url);
  return () => site.close();
}
