/**
 * The remark plugin that puts a verification mark under every annotated code block.
 *
 * It runs after `remarkSnippets` (src/markdown/remark-snippets.ts), which attaches the parsed
 * annotation to each code node. For each block the verifier cares about, it finds the block's
 * entry in the report by page and line of the opening fence and inserts
 * `<VerifiedSnippet block="ID" />` after the code node. A block without an entry, or whose
 * entry shows other code or a failure, fails the build: the site never renders a stale mark.
 *
 * It also turns the leaf directive `::flake-download{name="nur"}` into a download card.
 * Content it does not handle is left untouched.
 */
import { relative, sep } from 'node:path';
import type { Code, Parent, Root, RootContent } from 'mdast';
import type { LeafDirective } from 'mdast-util-directive';
import type { MdxJsxAttribute, MdxJsxFlowElement } from 'mdast-util-mdx-jsx';
import type { MdxjsEsm } from 'mdast-util-mdxjs-esm';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import type { BlockReport } from '../../scripts/verifier/types.ts';
import { loadVerification, VerificationDataError, type Verification } from './verification.ts';
import { lineRangeList } from './wrong-code.ts';

export interface RemarkVerificationMarksOptions {
  /** Absolute path of the project root; report pages are relative to it. */
  root: string;
  /** Absolute path of the `.verify` directory. */
  verifyDir: string;
  /** Absolute paths of the components the plugin inserts. */
  components: { snippet: string; download: string };
}

const SNIPPET_COMPONENT = '__VerifiedSnippet';
const DOWNLOAD_COMPONENT = '__FlakeDownload';
const DOWNLOAD_DIRECTIVE = 'flake-download';
const RULE_SOURCE = 'verified-snippets';
/** The meta key that tells the Expressive Code plugin (./ec-verified-snippets.ts) which block it renders. */
export const BLOCK_META_KEY = 'vs-block';

type Insertion = { parent: Parent; after: RootContent; element: MdxJsxFlowElement };

export function remarkVerificationMarks(options: RemarkVerificationMarksOptions) {
  return function transformer(tree: Root, file: VFile): void {
    if (!file.path) return;
    const page = relative(options.root, file.path).split(sep).join('/');
    const codes: { node: Code; parent: Parent }[] = [];
    const directives: { node: LeafDirective; parent: Parent }[] = [];

    visit(tree, (node, _index, parent) => {
      if (!parent) return;
      if (node.type === 'code' && isVerifierBlock(node)) codes.push({ node, parent });
      if (node.type === 'leafDirective' && node.name === DOWNLOAD_DIRECTIVE) directives.push({ node, parent });
    });
    if (codes.length === 0 && directives.length === 0) return;

    if (!file.path.endsWith('.mdx')) {
      const first = codes[0]?.node ?? directives[0]!.node;
      fail(
        file,
        first,
        `\`${page}\` has annotated code blocks, but verification marks can only be rendered in MDX pages. Rename it to \`${page.replace(/\.md$/, '.mdx')}\`.`,
        'not-mdx',
      );
    }

    const verification = load(options.verifyDir, file, codes[0]?.node ?? directives[0]!.node);
    const insertions: Insertion[] = [];
    const used = new Set<string>();

    for (const { node, parent } of codes) {
      const block = findBlock(verification, page, node, file);
      node.meta = renderMeta(node.meta, block, verification);
      insertions.push({ parent, after: node, element: jsxElement(SNIPPET_COMPONENT, { block: block.id }) });
      used.add(SNIPPET_COMPONENT);
    }

    for (const { node, parent } of directives) {
      const name = node.attributes?.name ?? node.attributes?.flake;
      if (!name) {
        fail(file, node, `\`::${DOWNLOAD_DIRECTIVE}\` needs the flake's name, e.g. \`::${DOWNLOAD_DIRECTIVE}{name="simple"}\`.`, 'download');
      }
      const flake = verification.report.flakes.find((f) => f.name === name);
      if (!flake || flake.variantOf !== null) {
        const names = verification.downloadableFlakes().map((f) => `\`${f.name}\``).join(', ');
        fail(file, node, `\`::${DOWNLOAD_DIRECTIVE}\` names flake \`${name}\`, which the report does not offer. Flakes readers can download: ${names || 'none'}.`, 'download');
      }
      const element = jsxElement(DOWNLOAD_COMPONENT, { name });
      parent.children.splice(parent.children.indexOf(node as RootContent), 1, element);
      used.add(DOWNLOAD_COMPONENT);
    }

    for (const { parent, after, element } of insertions) {
      parent.children.splice(parent.children.indexOf(after) + 1, 0, element);
    }

    const imports: [string, string][] = [
      [SNIPPET_COMPONENT, options.components.snippet],
      [DOWNLOAD_COMPONENT, options.components.download],
    ];
    tree.children.unshift(...imports.filter(([name]) => used.has(name)).map(([name, path]) => importNode(name, path)));
  };
}

/**
 * The block's meta with what Expressive Code needs to render it as verified: the block's id
 * for the Expressive Code plugin, and for an expected failure, its wrong lines as Expressive
 * Code's own `del` markers (unless the page marks lines itself).
 */
function renderMeta(meta: string | null | undefined, block: BlockReport, verification: Verification): string {
  const parts = [meta ?? '', `${BLOCK_META_KEY}="${block.id}"`];
  const wrong = verification.wrongCode(block.id);
  if (wrong && !/(^|\s)del=/.test(meta ?? '')) parts.push(`del={${lineRangeList(wrong.lines)}}`);
  return parts.filter(Boolean).join(' ');
}

/** Blocks the verifier reports on: Nix blocks and command blocks, not other languages. */
function isVerifierBlock(node: Code): boolean {
  const role = node.data?.snippet?.annotation.role;
  return role !== undefined && role !== 'ignored';
}

function findBlock(verification: Verification, page: string, node: Code, file: VFile): BlockReport {
  const line = node.position!.start.line;
  const block = verification.block(page, line);
  if (!block) {
    fail(
      file,
      node,
      `This code block has no entry in the verification report (\`${page}:${line}\`), so the site would show a stale or missing mark. The report is older than the page: run \`npm run build\` (or \`npm run verify\`) again.`,
      'missing-entry',
    );
  }
  if (block.code !== node.value) {
    fail(
      file,
      node,
      `The verification report has different code for this block (\`${block.id}\`) than the page: the report is older than the page. Run \`npm run build\` (or \`npm run verify\`) again.`,
      'stale-entry',
    );
  }
  if (block.status === 'failed') {
    fail(file, node, `The verification report says this block failed${block.message ? `: ${block.message}` : ''}. Fix it, then run \`npm run build\`.`, 'failed');
  }
  const copyProblem = copyTextProblem(block.code);
  if (copyProblem) fail(file, node, copyProblem, 'copy-text');
  return block;
}

/**
 * Expressive Code's copy button copies the block's lines with trailing whitespace removed and
 * without leading or trailing blank lines. Such blocks would copy something other than what
 * was verified, so they are refused.
 */
export function copyTextProblem(code: string): string | undefined {
  const lines = code.split(/\r?\n/);
  const index = lines.findIndex((l) => l !== l.trimEnd());
  if (index >= 0) {
    return `Line ${index + 1} of this block ends in whitespace, which the copy button would drop, so readers would copy something other than the verified text. Remove the trailing whitespace.`;
  }
  if (/\r/.test(code)) return 'This block has CR line endings; the copy button would copy LF line endings. Use LF.';
  if (lines[0] === '' || lines.at(-1) === '') {
    return 'This block starts or ends with a blank line, which the copy button would drop. Remove it.';
  }
  if (/\t/.test(code)) return 'This block contains a tab; indent with spaces (RFC 166) so readers copy exactly the verified text.';
  return undefined;
}

function load(dir: string, file: VFile, node: Code | LeafDirective): Verification {
  try {
    return loadVerification(dir);
  } catch (error) {
    if (error instanceof VerificationDataError) fail(file, node, error.message, 'no-report');
    throw error;
  }
}

function fail(file: VFile, node: Code | LeafDirective, reason: string, ruleId: string): never {
  file.fail(reason, { place: node.position, ruleId, source: RULE_SOURCE });
}

function jsxElement(name: string, attributes: Record<string, string>): MdxJsxFlowElement {
  return {
    type: 'mdxJsxFlowElement',
    name,
    attributes: Object.entries(attributes).map(
      ([key, value]): MdxJsxAttribute => ({ type: 'mdxJsxAttribute', name: key, value }),
    ),
    children: [],
  };
}

/** `import NAME from "PATH";` as an MDX ESM node, with the estree MDX compiles from. */
function importNode(name: string, path: string): MdxjsEsm {
  return {
    type: 'mdxjsEsm',
    value: `import ${name} from ${JSON.stringify(path)};`,
    data: {
      estree: {
        type: 'Program',
        sourceType: 'module',
        body: [
          {
            type: 'ImportDeclaration',
            specifiers: [{ type: 'ImportDefaultSpecifier', local: { type: 'Identifier', name } }],
            source: { type: 'Literal', value: path, raw: JSON.stringify(path) },
            attributes: [],
          },
        ],
      },
    },
  };
}
