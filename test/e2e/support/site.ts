/**
 * The site under test: built once per test run with the real pipeline
 * (`npm run build -- --offline`: the verifier, then astro build), served from dist/ on
 * 127.0.0.1 the way a static host serves it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DIST = join(ROOT, 'dist');
export const VERIFY_DIR = join(ROOT, '.verify');

function run(command: string, args: string[]): void {
  console.log(`[e2e] $ ${command} ${args.join(' ')}`);
  // Vitest sets NODE_ENV=test, MODE=test, DEV=1, PROD= (mirrors of import.meta.env); Astro would
  // take them and build a development site (no search). Build as from a shell.
  const env: NodeJS.ProcessEnv = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' };
  for (const key of ['NODE_ENV', 'MODE', 'DEV', 'PROD', 'SSR', 'BASE_URL', 'TEST', 'VITEST']) delete env[key];
  for (const key of Object.keys(env)) if (key.startsWith('VITEST_')) delete env[key];
  execFileSync(command, args, { cwd: ROOT, stdio: 'inherit', env });
}

/** Builds the site into dist/ the way CI does: verify every snippet up to booting its systems (offline stand-in, sources from $VERIFY_SOURCES), then astro build. */
export function buildSite(): void {
  run('npm', ['run', 'build', '--', '--offline', '--level', 'boot']);
}

export interface ServedSite {
  url: string;
  close(): Promise<void>;
}

/** Serves dist/ like a static host: directories as index.html, unknown paths as 404.html. */
export async function serveSite(dir = DIST): Promise<ServedSite> {
  const assets = sirv(dir, { dev: false, etag: true });
  const notFound = join(dir, '404.html');
  const server: Server = createServer((req, res) =>
    assets(req, res, () => {
      res.statusCode = 404;
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(existsSync(notFound) ? readFileSync(notFound) : 'Not found');
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

/** Every HTML page of the build, as URL paths (`/`, `/simple/`, `/404.html`). */
export function builtPages(dir = DIST): string[] {
  const pages: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== '_astro' && e.name !== 'pagefind') walk(path);
      } else if (e.name.endsWith('.html')) {
        const rel = relative(dir, path).split(sep).join('/');
        pages.push(rel === 'index.html' ? '/' : rel.endsWith('/index.html') ? `/${rel.slice(0, -'index.html'.length)}` : `/${rel}`);
      }
    }
  };
  walk(dir);
  return pages.sort();
}
