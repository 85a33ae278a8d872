/**
 * What each page of the built site costs readers: HTML, JavaScript and CSS bytes per page of
 * dist/ (raw and gzipped), compared with a plain Starlight page with no code blocks (the 404
 * page, or the page named with --baseline).
 *
 * JavaScript counts inline <script>s plus every external script the page loads eagerly, with
 * the modules those import statically; modules loaded only on demand (dynamic `import()`,
 * e.g. Pagefind when search opens) are listed apart as "lazy JS".
 *
 *   npm run build && node scripts/site-bench.ts [--dist dist] [--baseline /404.html] [--json]
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export interface Bytes {
  raw: number;
  gzip: number;
}

export interface PageCost {
  page: string;
  html: Bytes;
  js: Bytes;
  css: Bytes;
  lazyJs: Bytes;
  scripts: number;
}

const NONE: Bytes = { raw: 0, gzip: 0 };

function bytesOf(data: Buffer | string): Bytes {
  const buffer = typeof data === 'string' ? Buffer.from(data) : data;
  return { raw: buffer.length, gzip: gzipSync(buffer, { level: 9 }).length };
}

function add(a: Bytes, b: Bytes): Bytes {
  return { raw: a.raw + b.raw, gzip: a.gzip + b.gzip };
}

/** Every HTML file of the build, as URL paths. */
export function htmlPages(dist: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.html')) {
        const rel = relative(dist, path).split(sep).join('/');
        out.push(`/${rel.replace(/(^|\/)index\.html$/, '$1')}`);
      }
    }
  };
  walk(dist);
  return out.sort();
}

function fileForPage(dist: string, page: string): string {
  return join(dist, page.endsWith('/') ? `${page}index.html` : page);
}

/** A URL found in a page or module → a file in dist/, or undefined when it is not local. */
function localFile(dist: string, from: string, url: string): string | undefined {
  if (/^(?:[a-z]+:)?\/\//i.test(url) || url.startsWith('data:')) return undefined;
  const clean = url.split(/[?#]/)[0]!;
  const path = clean.startsWith('/') ? join(dist, clean) : resolve(dirname(from), clean);
  return existsSync(path) && statSync(path).isFile() ? path : undefined;
}

const STATIC_IMPORT = /(?:^|[;\n}])\s*(?:import|export)\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+)["']/g;
const DYNAMIC_IMPORT = /\bimport\(\s*["'`]([^"'`$]+)["'`]\s*\)/g;

/** A module and everything it imports statically; dynamic imports are collected apart. */
function moduleGraph(dist: string, entry: string, eager: Set<string>, lazy: Set<string>): void {
  if (eager.has(entry)) return;
  eager.add(entry);
  lazy.delete(entry);
  const code = readFileSync(entry, 'utf8');
  for (const match of code.matchAll(STATIC_IMPORT)) {
    const file = localFile(dist, entry, match[1]!);
    if (file?.endsWith('.js') || file?.endsWith('.mjs')) moduleGraph(dist, file, eager, lazy);
  }
  for (const match of code.matchAll(DYNAMIC_IMPORT)) {
    const file = localFile(dist, entry, match[1]!);
    if (file && !eager.has(file)) lazy.add(file);
  }
}

export function pageCost(dist: string, page: string): PageCost {
  const htmlFile = fileForPage(dist, page);
  const html = readFileSync(htmlFile, 'utf8');
  let js = NONE;
  let css = NONE;
  let scripts = 0;
  const eager = new Set<string>();
  const lazy = new Set<string>();

  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const attributes = match[1]!;
    if (/type=["']?application\/(?:ld\+)?json/i.test(attributes)) continue;
    const src = /\bsrc=["']?([^"'\s>]+)/i.exec(attributes)?.[1];
    scripts++;
    if (src) {
      const file = localFile(dist, htmlFile, src);
      if (file) moduleGraph(dist, file, eager, lazy);
    } else {
      js = add(js, bytesOf(match[2]!));
      for (const imported of match[2]!.matchAll(STATIC_IMPORT)) {
        const file = localFile(dist, htmlFile, imported[1]!);
        if (file) moduleGraph(dist, file, eager, lazy);
      }
      for (const imported of match[2]!.matchAll(DYNAMIC_IMPORT)) {
        const file = localFile(dist, htmlFile, imported[1]!);
        if (file && !eager.has(file)) lazy.add(file);
      }
    }
  }
  for (const file of eager) js = add(js, bytesOf(readFileSync(file)));
  let lazyJs = NONE;
  for (const file of lazy) lazyJs = add(lazyJs, bytesOf(readFileSync(file)));

  const stylesheets = new Set<string>();
  for (const match of html.matchAll(/<link\b[^>]*rel=["']?stylesheet["']?[^>]*>/gi)) {
    if (/media=["']?print/i.test(match[0])) continue;
    const href = /\bhref=["']?([^"'\s>]+)/i.exec(match[0])?.[1];
    const file = href ? localFile(dist, htmlFile, href) : undefined;
    if (file) stylesheets.add(file);
  }
  for (const file of stylesheets) css = add(css, bytesOf(readFileSync(file)));
  for (const match of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)) css = add(css, bytesOf(match[1]!));

  return { page, html: bytesOf(html), js, css, lazyJs, scripts };
}

function kb(n: number): string {
  return (n / 1024).toFixed(1);
}

function ratio(n: number, base: number): string {
  if (base === 0) return n === 0 ? '1.00' : '∞';
  return (n / base).toFixed(2);
}

export function formatTable(costs: PageCost[], baseline: PageCost): string {
  const head = [
    'page',
    'HTML KiB',
    'HTML gz',
    '×base',
    'JS KiB',
    'JS gz',
    '×base',
    'CSS KiB',
    'CSS gz',
    'lazy JS KiB',
  ];
  const rows = costs.map((c) => [
    c.page === baseline.page ? `${c.page} (baseline)` : c.page,
    kb(c.html.raw),
    kb(c.html.gzip),
    ratio(c.html.raw, baseline.html.raw),
    kb(c.js.raw),
    kb(c.js.gzip),
    ratio(c.js.raw, baseline.js.raw),
    kb(c.css.raw),
    kb(c.css.gzip),
    kb(c.lazyJs.raw),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function main(argv: string[]): void {
  const option = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const root = fileURLToPath(new URL('..', import.meta.url));
  const dist = resolve(root, option('--dist') ?? 'dist');
  if (!existsSync(dist)) {
    console.error(`No build at ${relative(process.cwd(), dist) || dist}: run \`npm run build\` first.`);
    process.exit(2);
  }
  const pages = htmlPages(dist);
  const baselinePage = option('--baseline') ?? '/404.html';
  if (!pages.includes(baselinePage)) {
    console.error(`The baseline page \`${baselinePage}\` is not in the build. Pages: ${pages.join(', ')}.`);
    process.exit(2);
  }
  const costs = pages.map((page) => pageCost(dist, page));
  const baseline = costs.find((c) => c.page === baselinePage)!;
  if (argv.includes('--json')) {
    console.log(JSON.stringify({ baseline: baselinePage, pages: costs }, null, 2));
    return;
  }
  console.log(`Bytes per page of ${relative(process.cwd(), dist) || dist}, against ${baselinePage} (a plain Starlight page with no code blocks).`);
  console.log('JS: inline scripts + eagerly loaded modules. Lazy JS: modules the scripts import on demand (the search UI');
  console.log('when search opens); Pagefind\'s own files, fetched by computed URL, are not counted.\n');
  console.log(formatTable(costs, baseline));
  const others = costs.filter((c) => c !== baseline);
  if (others.length) {
    const max = (pick: (c: PageCost) => number) => others.reduce((a, c) => (pick(c) > pick(a) ? c : a));
    const js = max((c) => c.js.raw);
    const html = max((c) => c.html.raw);
    console.log(
      `\nMost JS: ${js.page}, ${kb(js.js.raw)} KiB (${ratio(js.js.raw, baseline.js.raw)}× baseline). Most HTML: ${html.page}, ${kb(html.html.raw)} KiB (${ratio(html.html.raw, baseline.html.raw)}× baseline).`,
    );
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2));
}
