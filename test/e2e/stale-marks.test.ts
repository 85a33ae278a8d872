/**
 * The site never renders a stale mark: the remark plugin that attaches marks, run on the
 * site's own parser stack against a hand-made report, refuses blocks the report does not
 * cover, covers with other code, or reports as failed, and pages it cannot mark. Also the
 * words marks use for levels and nixpkgs identities.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Root, RootContent } from 'mdast';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { VFile } from 'vfile';
import type { VFileMessage } from 'vfile-message';
import type { BlockReport, Report } from '../../scripts/verifier/types.ts';
import { pageProcessor } from '../../src/markdown/syntax.ts';
import { markHeadline, nixpkgsText } from '../../src/lib/mark-text.ts';
import { remarkVerificationMarks } from '../../src/lib/remark-verification-marks.ts';

const PAGE = 'src/content/docs/demo.mdx';
const SOURCE = [
  '---',
  'title: Demo',
  '---',
  '',
  '```nix flake="demo" title="flake.nix"',
  '{ outputs = _: { }; }',
  '```',
  '',
  '::flake-download{name="demo"}',
  '',
].join('\n');

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'stale-marks-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function block(overrides: Partial<BlockReport> = {}): BlockReport {
  return {
    id: `${PAGE}:5`,
    page: PAGE,
    line: 5,
    column: 1,
    lang: 'nix',
    role: 'file',
    flake: 'demo',
    file: 'flake.nix',
    slot: null,
    level: 'eval',
    status: 'verified',
    message: null,
    reason: null,
    failedWith: null,
    code: '{ outputs = _: { }; }',
    ...overrides,
  };
}

function writeReport(blocks: BlockReport[]): void {
  const report: Report = {
    version: 4,
    generatedAt: '2025-01-01T00:00:00.000Z',
    command: 'npm run verify',
    nix: { version: '2.8.0', name: 'Nix 2.8.0' },
    nixpkgs: { kind: 'standin', label: 'offline stand-in test (not nixpkgs)', version: 'test' },
    levelRequested: 'eval',
    blocks,
    flakes: [{ name: 'demo', variantOf: null, files: [], links: {}, level: 'eval', status: 'verified', checks: [], message: null, cap: null, notBuilt: [], builtAgainst: [], booted: [], folder: 'demo' }],
    diagnostics: [],
    caps: [],
    builtAgainst: [],
    summary: { blocks: blocks.length, verified: blocks.length, failed: 0, exempt: 0 },
  };
  mkdirSync(join(root, '.verify/flakes/demo'), { recursive: true });
  writeFileSync(join(root, '.verify/report.json'), JSON.stringify(report));
}

function run(source = SOURCE, page = PAGE): Root {
  const path = join(root, page);
  const processor = pageProcessor(path, { strict: true }).use(remarkVerificationMarks, {
    root,
    verifyDir: join(root, '.verify'),
    components: { snippet: '/components/VerifiedSnippet.astro', download: '/components/FlakeDownload.astro' },
  });
  const file = new VFile({ path, value: source });
  return processor.runSync(processor.parse(file), file) as Root;
}

function failure(fn: () => unknown): VFileMessage {
  try {
    fn();
  } catch (error) {
    return error as VFileMessage;
  }
  throw new Error('expected the plugin to fail');
}

const names = (nodes: RootContent[]) => nodes.map((n) => ('name' in n && n.name ? `${n.type}:${n.name}` : n.type));

describe('the mark plugin', () => {
  test('puts a mark right after each annotated block and turns ::flake-download into a card', () => {
    writeReport([block()]);
    const tree = run();
    expect(names(tree.children)).toEqual([
      'mdxjsEsm',
      'mdxjsEsm',
      'yaml',
      'code',
      'mdxJsxFlowElement:__VerifiedSnippet',
      'mdxJsxFlowElement:__FlakeDownload',
    ]);
    const mark = tree.children[4] as { attributes: { name: string; value: string }[] };
    expect(mark.attributes).toEqual([expect.objectContaining({ name: 'block', value: `${PAGE}:5` })]);
  });

  test('fails when a block has no entry in the report', () => {
    writeReport([block({ line: 6, id: `${PAGE}:6` })]);
    const error = failure(() => run());
    expect(error.ruleId).toBe('missing-entry');
    expect(error.place).toMatchObject({ start: { line: 5, column: 1 } });
    expect(error.reason).toContain(`\`${PAGE}:5\``);
    expect(error.reason).toContain('npm run build');
  });

  test('fails when the report has other code for the block', () => {
    writeReport([block({ code: '{ }' })]);
    expect(failure(() => run()).ruleId).toBe('stale-entry');
  });

  test('fails when the report says the block failed', () => {
    writeReport([block({ status: 'failed', message: 'syntax error' })]);
    const error = failure(() => run());
    expect(error.ruleId).toBe('failed');
    expect(error.reason).toContain('syntax error');
  });

  test('fails when the copy button could not copy the verified text exactly', () => {
    const source = SOURCE.replace('{ outputs = _: { }; }', '{ outputs = _: { }; }  ');
    writeReport([block({ code: '{ outputs = _: { }; }  ' })]);
    expect(failure(() => run(source)).ruleId).toBe('copy-text');
  });

  test('fails, saying what to run, when there is no report', () => {
    const error = failure(() => run());
    expect(error.ruleId).toBe('no-report');
    expect(error.reason).toMatch(/report\.json` does not exist/);
    expect(error.reason).toContain('npm run build');
  });

  test('fails on annotated blocks in a plain Markdown page, which cannot hold marks', () => {
    writeReport([block({ page: 'src/content/docs/demo.md', id: 'src/content/docs/demo.md:5' })]);
    expect(failure(() => run(SOURCE.replace(/::flake-download.*\n/, ''), 'src/content/docs/demo.md')).ruleId).toBe('not-mdx');
  });

  test('fails when ::flake-download names a flake readers cannot download', () => {
    writeReport([block()]);
    const error = failure(() => run(SOURCE.replace('name="demo"', 'name="nope"')));
    expect(error.ruleId).toBe('download');
    expect(error.reason).toContain('`demo`');
  });
});

describe('the words of a mark', () => {
  test('a stand-in run says "offline stand-in", never "nixpkgs"; other runs name their nixpkgs', () => {
    const standin = nixpkgsText({ kind: 'standin', label: 'offline stand-in JoO1F7a4 (not nixpkgs)', version: 'sha256-JoO1F7a4L0L0JrcFHlScp4wi0cqEzGLzB37WeOQgjtk=' });
    expect(standin).toBe('offline stand-in JoO1F7a4');
    expect(nixpkgsText({ kind: 'pinned', label: 'nixpkgs nixos-25.05 @ 3f0a8ac1b2c3', url: 'github:NixOS/nixpkgs/nixos-25.05' })).toBe(
      'nixpkgs nixos-25.05 @ 3f0a8ac1b2c3',
    );
    expect(nixpkgsText({ kind: 'path', label: 'nixpkgs checkout /src/np @ 3f0a8ac1b2c3', path: '/src/np' })).toBe(
      'nixpkgs checkout /src/np @ 3f0a8ac1b2c3',
    );
    expect(nixpkgsText({ kind: 'pinned', label: 'nixos-25.05', url: 'github:NixOS/nixpkgs/nixos-25.05' })).toBe('nixpkgs nixos-25.05');
    expect(nixpkgsText({ kind: 'none', label: 'no nixpkgs (parse level only)' })).toBe('no nixpkgs (parse level only)');
  });

  test('the headline names the level reached, or why there is none', () => {
    expect(markHeadline({ role: 'file', status: 'verified', level: 'build' })).toBe('Built');
    expect(markHeadline({ role: 'fragment', status: 'verified', level: 'eval' })).toBe('Evaluated');
    expect(markHeadline({ role: 'expected-failure', status: 'verified', level: 'eval' })).toBe('Fails as expected (evaluated)');
    expect(markHeadline({ role: 'exempt', status: 'exempt', level: null })).toBe('Not verified');
    expect(markHeadline({ role: 'command', status: 'verified', level: 'eval' })).toBe('Output checked');
  });
});
