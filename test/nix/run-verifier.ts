/**
 * Runs the verifier's command line on a copy of a fixture, with edits applied, and reads
 * back what it said. Real Nix, real files: nothing is mocked.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Report } from '../../scripts/verifier/types.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures');
/** The fixture name that stands for a copy of the guide (src/content/docs and src/flakes). */
export const GUIDE = 'guide';
/** The guide's pages, as runVerifier names them. */
export const GUIDE_PAGES = ['index.mdx', 'package.mdx', 'simple.mdx', 'nur.mdx', 'check.mdx', 'options.mdx', 'maintenance.mdx', 'troubleshooting.mdx'];

/** Nix as CI runs it: root, no daemon, nothing from binary caches. */
export const NIX_ENV = {
  ...process.env,
  NIX_CONFIG: ['experimental-features = nix-command flakes', 'build-users-group =', 'substituters =', 'sandbox = false'].join('\n'),
  CI: '',
  // Tests name their source mirror with --sources; CI's own (for the guide) stays out.
  VERIFY_SOURCES: '',
};

export interface Edit {
  page: string;
  from: string;
  to: string;
  /** Replace every occurrence, not just the first. */
  all?: boolean;
}

export interface VerifierRun {
  exitCode: number;
  stderr: string;
  report: Report | undefined;
  dir: string;
  /** 1-based line where `needle` (which may span lines) first starts in a page of the copy. */
  lineOf(page: string, needle: string): Promise<number>;
  pagePath(page: string): string;
  cleanup(): Promise<void>;
}

export async function runVerifier(
  fixture: string,
  pages: string[],
  edits: Edit[],
  args: string[] = [],
  env: Record<string, string> = {},
  /** Changes to the copy before the run, e.g. to its glue files. */
  prepare?: (dir: string) => Promise<void>,
  /**
   * Leave the level to the verifier. Otherwise a run without `--level` is at the eval level,
   * which the fixtures are written for (their stub packages do not build).
   */
  { defaultLevel = false }: { defaultLevel?: boolean } = {},
): Promise<VerifierRun> {
  const dir = await mkdtemp(join(tmpdir(), `drift-${fixture.replace(/\W/g, '-')}-`));
  if (fixture === GUIDE) {
    // The guide itself: its pages and its glue, as they are in the checkout.
    await cp(join(ROOT, 'src/content/docs'), join(dir, 'pages'), { recursive: true });
    await cp(join(ROOT, 'src/flakes'), join(dir, 'flakes'), { recursive: true });
  } else {
    await cp(join(FIXTURES, fixture), dir, { recursive: true });
  }
  await prepare?.(dir);
  for (const edit of edits) {
    const path = join(dir, 'pages', edit.page);
    const text = await readFile(path, 'utf8');
    if (!text.includes(edit.from)) throw new Error(`fixture ${edit.page} has no ${JSON.stringify(edit.from)}`);
    await writeFile(path, edit.all ? text.replaceAll(edit.from, edit.to) : text.replace(edit.from, edit.to));
  }
  const reportPath = join(dir, 'report.json');
  const argv = [
    join(ROOT, 'scripts/verify.ts'),
    ...(fixture === 'lint' ? [] : ['--strict']),
    ...(args.includes('--cache') ? [] : ['--no-cache']),
    '--quiet',
    ...(defaultLevel || args.some((a) => a === '--level' || a.startsWith('--level=')) ? [] : ['--level', 'eval']),
    // Glue, for fixtures that have any (zero-config pages get none without --flakes).
    ...(existsSync(join(dir, 'flakes')) ? ['--flakes', join(dir, 'flakes')] : []),
    '--report',
    reportPath,
    ...args,
    ...pages.map((p) => join(dir, 'pages', p)),
  ];
  const { exitCode, stderr } = await new Promise<{ exitCode: number; stderr: string }>((done) => {
    execFile(process.execPath, argv, { env: { ...NIX_ENV, ...env }, cwd: ROOT, maxBuffer: 16 << 20 }, (error, _stdout, stderr) => {
      done({ exitCode: error ? (typeof error.code === 'number' ? error.code : 99) : 0, stderr });
    });
  });
  const report = await readFile(reportPath, 'utf8').then((t) => JSON.parse(t) as Report, () => undefined);
  const pagePath = (page: string) => join(dir, 'pages', page);
  return {
    exitCode,
    stderr,
    report,
    dir,
    pagePath,
    async lineOf(page, needle) {
      const text = await readFile(pagePath(page), 'utf8');
      const index = text.indexOf(needle);
      if (index === -1) throw new Error(`${page} has no ${JSON.stringify(needle)}`);
      return text.slice(0, index).split('\n').length;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
