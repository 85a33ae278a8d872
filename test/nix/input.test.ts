/**
 * Bad input gets a clear message at the right place: each test breaks the fixture guide one
 * way, runs the real command line, and asserts exit code 2, the message and the page line.
 * Needs Nix (CI installs it).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runVerifier, type Edit, type VerifierRun } from './run-verifier.ts';

const PAGES = ['simple.mdx', 'nur.mdx'];
let run: VerifierRun | undefined;
afterEach(async () => {
  await run?.cleanup();
  run = undefined;
});

async function broken(edits: Edit[], pages = PAGES) {
  run = await runVerifier('drift', pages, edits, ['--offline']);
  return run;
}

/**
 * The run stopped with exit 2 and printed `page:LINE:COL: error [rule]` with `message` as
 * (the start of) its reason, where LINE is the line of `needle` plus `below`.
 */
async function expectProblemAt(r: VerifierRun, page: string, needle: string, rule: string, message: string, below = 0) {
  const line = (await r.lineOf(page, needle)) + below;
  expect(r.exitCode, r.stderr).toBe(2);
  expect(r.stderr).toMatch(new RegExp(`${escape(r.pagePath(page))}:${line}:\\d+: error \\[${rule}\\]\\n  ${escape(message)}`));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const COMMAND = "$ nix eval .#nixosConfigurations.hero.config.boot.kernelModules --apply 'builtins.elem \"qc71_laptop\"'";

describe('command blocks run only read-only commands in the assembled flake', () => {
  it('refuses --impure, at its line', async () => {
    const r = await broken([{ page: 'simple.mdx', from: '$ nix eval .#', to: '$ nix eval --impure .#' }]);
    await expectProblemAt(r, 'simple.mdx', '$ nix eval --impure', 'annotation', '`--impure` is not allowed in a command block');
  });

  it('refuses --expr on a continuation line, at that line', async () => {
    const r = await broken([{ page: 'simple.mdx', from: COMMAND, to: `${COMMAND} \\\n  --expr 'derivation { }'` }]);
    await expectProblemAt(r, 'simple.mdx', "  --expr 'derivation", 'annotation', '`--expr` is not allowed in a command block');
  });

  it('refuses an installable from outside the flake', async () => {
    const r = await broken([{ page: 'simple.mdx', from: COMMAND, to: `${COMMAND}\ntrue\n$ nix build nixpkgs#hello` }]);
    await expectProblemAt(r, 'simple.mdx', '$ nix build nixpkgs#hello', 'annotation', '`nixpkgs#hello` is not part of the assembled flake.');
  });
});

describe('titles and flake names stay inside the flake', () => {
  const FENCE = '```nix flake="simple" title="module.nix"';

  it('refuses a title that leaves the flake, at the fence, and writes nothing outside', async () => {
    const name = `escaped-${process.pid}-${Date.now()}.nix`;
    const r = await broken([{ page: 'simple.mdx', from: FENCE, to: `\`\`\`nix flake="simple" title="../../${name}"` }], PAGES);
    await expectProblemAt(r, 'simple.mdx', `title="../../${name}"`, 'annotation', `\`title="../../${name}"\` is not a path inside the flake: a \`..\` segment leads out of it.`);
    expect(existsSync(join(tmpdir(), name))).toBe(false);
    expect(existsSync(join(r.dir, name))).toBe(false);
  });

  it('refuses an absolute title', async () => {
    const r = await broken([{ page: 'simple.mdx', from: FENCE, to: '```nix flake="simple" title="/tmp/module.nix"' }]);
    await expectProblemAt(r, 'simple.mdx', 'title="/tmp/module.nix"', 'annotation', '`title="/tmp/module.nix"` is not a path inside the flake: it is absolute.');
  });

  it('refuses a flake name that is a path', async () => {
    const r = await broken([{ page: 'simple.mdx', from: FENCE, to: '```nix flake="../simple" title="module.nix"' }]);
    await expectProblemAt(r, 'simple.mdx', 'flake="../simple"', 'annotation', '`flake="../simple"` is not a valid flake name');
  });
});

describe('annotations that do not say what they seem to', () => {
  const FENCE = '```nix flake="simple" title="module.nix"';

  it('a duplicate key', async () => {
    const r = await broken([{ page: 'simple.mdx', from: FENCE, to: '```nix flake="simple" title="module.nix" title="other.nix"' }]);
    await expectProblemAt(r, 'simple.mdx', 'title="other.nix"', 'annotation', '`title` is given 2 times (`title="module.nix"`, `title="other.nix"`). Give each key once.');
  });

  it('a key without a value', async () => {
    const r = await broken([{ page: 'simple.mdx', from: FENCE, to: '```nix flake title="module.nix"' }]);
    await expectProblemAt(r, 'simple.mdx', '```nix flake title="module.nix"', 'annotation', '`flake` has no value: write `flake="…"`, e.g. `flake="simple"`.');
  });

  it('an unbalanced quote', async () => {
    const r = await broken([{ page: 'simple.mdx', from: FENCE, to: '```nix flake="simple title="module.nix"' }]);
    await expectProblemAt(r, 'simple.mdx', '```nix flake="simple title=', 'annotation', 'The code-fence meta has an unbalanced quote in `flake="simple title="module.nix"`');
    expect(r.stderr).not.toContain('is missing');
  });
});

describe('line ends', () => {
  it('a page saved with CRLF verifies as written: its command output is not drift', async () => {
    const r = await broken([{ page: 'simple.mdx', from: '\n', to: '\r\n', all: true }]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.report!.blocks.find((b) => b.role === 'command')).toMatchObject({ status: 'verified', code: expect.not.stringContaining('\r') });
  });

  it('a glue template saved with CRLF has its slots filled', async () => {
    // Edits are relative to the fixture's pages/ folder; this one reaches its glue.
    const r = await broken([{ page: '../flakes/simple/configuration.nix', from: '\n', to: '\r\n', all: true }]);
    expect(await readFile(join(r.dir, 'flakes/simple/configuration.nix'), 'utf8')).toContain('# slot: body\r\n');
    expect(r.exitCode, r.stderr).toBe(0);
  });
});

describe("mistakes in the page's own syntax", () => {
  it('frontmatter that is not valid YAML, at its line', async () => {
    const r = await broken([{ page: 'simple.mdx', from: 'title: Drift fixture, approach 1\n', to: 'title: Drift fixture, approach 1\n  sidebar: [oops\n' }]);
    await expectProblemAt(r, 'simple.mdx', '  sidebar: [oops', 'markdown', 'The frontmatter is not valid YAML: bad indentation of a mapping entry.');
  });

  it('a code fence that is never closed, at the fence rather than the prose and block it swallowed', async () => {
    const fence = '```nix flake="simple" title="configuration.nix" slot="let"';
    const code = 'module = config.boot.kernelPackages.callPackage ./module.nix { };';
    const r = await broken([{ page: 'simple.mdx', from: `${fence}\n${code}\n\`\`\`\n`, to: `${fence}\n${code}\n` }]);
    const next = await r.lineOf('simple.mdx', '```nix flake="simple" title="configuration.nix" slot="let" fails=');
    await expectProblemAt(r, 'simple.mdx', fence, 'markdown', `This code fence is never closed: its block runs on over the fence at line ${next}`);
    expect(r.stderr.match(/: error \[/g)).toHaveLength(1);
  });

  it('a JSX tag that is never closed, with a frame of the page at the tag', async () => {
    const r = await broken([{ page: 'simple.mdx', from: 'Call it for the system', to: '<Aside type="tip">\n\nCall it for the system' }]);
    await expectProblemAt(r, 'simple.mdx', '<Aside type="tip">', 'markdown', 'The page could not be parsed: Expected a closing tag for `<Aside>`');
    const line = await r.lineOf('simple.mdx', '<Aside type="tip">');
    expect(r.stderr).toContain(`> ${line} | <Aside type="tip">`);
    // One cause, one diagnostic: the slots the page fills are not reported as empty too.
    expect(r.stderr).not.toContain('is not filled by any block');
  });
});

describe('pages the verifier refuses to read', () => {
  it('a page that is not UTF-8, at the line and column of the first bad byte', async () => {
    run = await runVerifier('input/latin1', ['latin1.md'], [], ['--offline']);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toContain(
      `${run.pagePath('latin1.md')}:3:6: error [input]\n  This page is not valid UTF-8: the byte at line 3, column 6 is not part of a UTF-8 character.`,
    );
  });

  it('a page that is a symbolic link, which the site would publish', async () => {
    run = await runVerifier('input/symlink', ['link.md'], [], ['--offline']);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`${escape(run.pagePath('link.md'))}: error \\[input\\]\\n  This page is a symbolic link \\(to \`[^\`]*real\\.md\`\\)\\.`));
    expect(run.stderr.match(/: error \[/g)).toHaveLength(1);
  });
});
