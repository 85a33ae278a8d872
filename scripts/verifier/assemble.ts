/**
 * Assembly: blocks + glue -> flakes, each file with a line map back to its sources.
 * Pure: no file system, no Nix.
 *
 * A file of a flake is either a whole-file block or a glue file. A glue file may be a
 * template: each line `# slot: NAME` (any indentation) is replaced by the fragments that
 * name that slot, in page order, indented like the slot line.
 */
import type { GlueFile, GlueFlake } from './glue.ts';
import { partialCode } from './partial-code.ts';
import type { AssembledFile, AssembledFlake, Block, Diagnostic, LineOrigin, Target } from './types.ts';

const SLOT_LINE = /^(?<indent>[ \t]*)# slot: (?<name>[\w.-]+)[ \t]*$/;

export interface Assembly {
  /** The flakes the guide describes. */
  flakes: AssembledFlake[];
  /** One or more flakes per expected-failure block: its flake with the block in place of its target. */
  variants: AssembledFlake[];
  diagnostics: Diagnostic[];
}

/** What a file of a flake is made of, before slots are filled. */
type FileSource = { kind: 'block'; block: Block } | { kind: 'glue'; glue: GlueFile };

interface FlakeSpec {
  name: string;
  files: Map<string, FileSource>;
  /** Fragments by `file#slot`, in page order. */
  fragments: Map<string, Block[]>;
  glue?: GlueFlake;
}

export function assemble(blocks: readonly Block[], glue: readonly GlueFlake[]): Assembly {
  const diagnostics: Diagnostic[] = [];
  const specs = new Map<string, FlakeSpec>();
  const spec = (name: string): FlakeSpec => {
    let found = specs.get(name);
    if (!found) {
      found = { name, files: new Map(), fragments: new Map() };
      specs.set(name, found);
    }
    return found;
  };

  for (const flake of glue) {
    const s = spec(flake.name);
    s.glue = flake;
    for (const file of flake.files) s.files.set(file.path, { kind: 'glue', glue: file });
  }

  for (const block of blocks) {
    const { annotation } = block;
    if (annotation.role === 'file') {
      const s = spec(annotation.target.flake);
      const existing = s.files.get(annotation.target.file);
      if (existing) {
        diagnostics.push(duplicateTarget(block, annotation.target, existing));
        continue;
      }
      // A path through a file (`configuration.nix/x.nix`), or a file where a folder is.
      const file = annotation.target.file;
      const clash = [...s.files.keys()].find((other) => file.startsWith(`${other}/`) || other.startsWith(`${file}/`));
      if (clash) {
        diagnostics.push({
          reason: `\`${file}\` of flake \`${annotation.target.flake}\` cannot be: \`${clash}\` is ${file.startsWith(`${clash}/`) ? 'a file, not a folder' : 'in a folder of that name'}. Give this block another \`title\`.`,
          file: block.page,
          place: block.start,
          ruleId: 'assembly',
          blockId: block.id,
          fatal: true,
        });
        continue;
      }
      s.files.set(annotation.target.file, { kind: 'block', block });
    } else if (annotation.role === 'fragment') {
      const key = `${annotation.target.file}#${annotation.target.slot}`;
      const s = spec(annotation.target.flake);
      s.fragments.set(key, [...(s.fragments.get(key) ?? []), block]);
    } else if (annotation.role === 'expected-failure' || annotation.role === 'command') {
      spec(annotation.role === 'command' ? annotation.flake : annotation.target.flake);
    }
  }

  const flakes: AssembledFlake[] = [];
  for (const s of specs.values()) {
    const built = buildFlake(s, undefined);
    diagnostics.push(...built.diagnostics, ...unusedFragments(s));
    flakes.push(built.flake);
  }
  for (const flake of flakes) diagnostics.push(...unknownLinks(flake, specs));

  const variants: AssembledFlake[] = [];
  for (const block of blocks) {
    if (block.annotation.role !== 'expected-failure') continue;
    const target = block.annotation.target;
    const s = specs.get(target.flake)!;
    const problem = variantProblem(block, target, s);
    if (problem) {
      diagnostics.push(problem);
      continue;
    }
    const variant = buildFlake(s, block).flake;
    variants.push(variant);
    // A flake that consumes this one sees the failure too: evaluate it against the variant.
    for (const dependent of flakes) {
      for (const [input, linked] of Object.entries(dependent.links)) {
        if (linked !== target.flake) continue;
        variants.push({
          ...dependent,
          name: `${dependent.name}~${variant.name}`,
          variantOf: block.id,
          links: { ...dependent.links, [input]: variant.name },
        });
      }
    }
  }
  return { flakes, variants, diagnostics };
}

/** Stable, directory-safe name of the variant built around `block`. */
function variantName(block: Block, flake: string): string {
  const page = block.page.replace(/^.*\//, '').replace(/\.mdx?$/, '');
  return `${flake}~${page}-${block.start.line}`;
}

function buildFlake(s: FlakeSpec, replacement: Block | undefined): { flake: AssembledFlake; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const files: AssembledFile[] = [];
  const target = replacement?.annotation.role === 'expected-failure' ? replacement.annotation.target : undefined;
  const paths = new Set(s.files.keys());
  if (target && !target.slot) paths.add(target.file);

  for (const path of [...paths].sort()) {
    if (replacement && target && !target.slot && target.file === path) {
      files.push(blockFile(path, replacement));
      continue;
    }
    const source = s.files.get(path)!;
    if (source.kind === 'block') {
      files.push(blockFile(path, source.block));
      continue;
    }
    const filled = fillTemplate(source.glue, (slot) => {
      if (replacement && target?.file === path && target.slot === slot) return [replacement];
      return s.fragments.get(`${path}#${slot}`) ?? [];
    });
    diagnostics.push(...filled.diagnostics);
    files.push(filled.file);
  }

  const name = replacement ? variantName(replacement, s.name) : s.name;
  const flake: AssembledFlake = {
    name,
    ...(replacement ? { variantOf: replacement.id } : {}),
    files,
    links: { ...s.glue?.inputs },
    ...(s.glue?.folder && !replacement ? { folder: s.glue.folder } : {}),
    // A copy keeps the machines and the claims: an expected failure may show at boot, or be a
    // claim that stops holding.
    ...(s.glue?.machines ? { machines: s.glue.machines } : {}),
    ...(s.glue?.checks ? { checks: s.glue.checks.source } : {}),
  };
  return { flake, diagnostics: replacement ? [] : diagnostics };
}

function blockFile(path: string, block: Block): AssembledFile {
  const lines = splitLines(block.code);
  return {
    path,
    text: lines.join('\n') + '\n',
    origins: lines.map((_, i) => blockOrigin(block, i, 0)),
  };
}

function fillTemplate(
  glue: GlueFile,
  fragmentsFor: (slot: string) => Block[],
): { file: AssembledFile; diagnostics: Diagnostic[] } {
  const out: string[] = [];
  const origins: LineOrigin[] = [];
  const diagnostics: Diagnostic[] = [];
  splitLines(glue.text).forEach((line, index) => {
    const slot = SLOT_LINE.exec(line)?.groups;
    if (!slot) {
      out.push(line);
      origins.push({ kind: 'glue', path: glue.source, line: index + 1 });
      return;
    }
    const fragments = fragmentsFor(slot.name!);
    if (fragments.length === 0) {
      diagnostics.push({
        reason: `Slot \`${slot.name}\` of \`${glue.path}\` is not filled by any block. Add a block with \`slot="${slot.name}"\`, or remove the slot line.`,
        file: glue.source,
        place: { line: index + 1, column: slot.indent!.length + 1 },
        ruleId: 'unfilled-slot',
        fatal: true,
      });
    }
    for (const block of fragments) {
      splitLines(block.code).forEach((codeLine, i) => {
        out.push(codeLine.trim() === '' ? '' : slot.indent + codeLine);
        origins.push(blockOrigin(block, i, slot.indent!.length));
      });
    }
  });
  return { file: { path: glue.path, text: out.join('\n') + '\n', origins }, diagnostics };
}

function blockOrigin(block: Block, index: number, indent: number): LineOrigin {
  return {
    kind: 'block',
    blockId: block.id,
    page: block.page,
    line: block.codeLine + index,
    columnOffset: block.codeColumn - 1 - indent,
  };
}

/** Lines of a text, without a final empty line for a trailing newline. */
function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 1 && lines.at(-1) === '') lines.pop();
  return lines;
}

function slotsOf(glue: GlueFile): string[] {
  return splitLines(glue.text).flatMap((line) => {
    const name = SLOT_LINE.exec(line)?.groups?.name;
    return name ? [name] : [];
  });
}

function unusedFragments(s: FlakeSpec): Diagnostic[] {
  const problems: Diagnostic[] = [];
  for (const [key, blocks] of s.fragments) {
    const [path, slot] = key.split('#') as [string, string];
    const source = s.files.get(path);
    const known = source?.kind === 'glue' ? slotsOf(source.glue) : [];
    if (known.includes(slot)) continue;
    for (const block of blocks) problems.push(slotProblem(block, s.name, path, slot, source, known));
  }
  return problems;
}

function slotProblem(
  block: Block,
  flake: string,
  path: string,
  slot: string,
  source: FileSource | undefined,
  known: string[],
): Diagnostic {
  let reason: string;
  if (!source) {
    reason = `\`${path}\` of flake \`${flake}\` has no glue template, so slot \`${slot}\` cannot be filled. Create src/flakes/${flake}/${path} with a \`# slot: ${slot}\` line, or make this block the whole file (drop \`slot\`).`;
  } else if (source.kind === 'block') {
    reason = `\`${path}\` of flake \`${flake}\` is a whole-file block (${source.block.id}), which has no slots.`;
  } else {
    const list = known.length ? known.map((k) => `\`${k}\``).join(', ') : 'none';
    reason = `\`${source.glue.source}\` has no slot \`${slot}\`. Its slots: ${list}.`;
  }
  return { reason, file: block.page, place: block.start, ruleId: 'assembly', blockId: block.id, fatal: true };
}

function duplicateTarget(block: Block, target: Target, existing: FileSource): Diagnostic {
  const where = existing.kind === 'block' ? `the block at ${existing.block.id}` : `the glue file ${existing.glue.source}`;
  return {
    reason: `\`${target.file}\` of flake \`${target.flake}\` is already given by ${where}. A file has one source: make one of them a fragment (\`slot\`), or give it another \`title\`.`,
    file: block.page,
    place: block.start,
    ruleId: 'assembly',
    blockId: block.id,
    fatal: true,
  };
}

function unknownLinks(flake: AssembledFlake, specs: Map<string, FlakeSpec>): Diagnostic[] {
  return Object.entries(flake.links)
    .filter(([, linked]) => !specs.has(linked))
    .map(([input, linked]) => ({
      reason: `Input \`${input}\` of flake \`${flake.name}\` is linked to flake \`${linked}\`, which no block or glue defines. Known flakes: ${[...specs.keys()].map((k) => `\`${k}\``).join(', ')}.`,
      file: specs.get(flake.name)?.glue?.manifest ?? `${flake.name}.json`,
      ruleId: 'manifest',
      fatal: true,
    }));
}

function variantProblem(block: Block, target: Target, s: FlakeSpec): Diagnostic | undefined {
  if (!target.slot) return undefined;
  const source = s.files.get(target.file);
  if (source?.kind === 'glue' && slotsOf(source.glue).includes(target.slot)) return undefined;
  return slotProblem(block, s.name, target.file, target.slot, source, source?.kind === 'glue' ? slotsOf(source.glue) : []);
}

/**
 * A block on its own, for the parser: as an expression and as a list of bindings (the
 * shape of a module fragment). `with { };` keeps names the block takes from its context
 * (`pkgs`, `config`) from being reported as undefined; the assembled file checks those.
 */
/**
 * The form a block on its own most likely has, known without Nix: bindings when it starts like
 * one (`name = …`, `a.b."c" = …`, `inherit …`), an expression otherwise. The parser tries this
 * form first and the other only when it fails. Pure.
 */
export function likelyForm(code: string): 'expression' | 'bindings' {
  const body = code.replace(/^\s*#.*$/gm, '').trimStart();
  const attr = String.raw`(?:[A-Za-z_][\w'-]*|"[^"\n]*")`;
  return new RegExp(String.raw`^(?:inherit\b|${attr}(?:\s*\.\s*${attr})*\s*=(?!=))`).test(body) ? 'bindings' : 'expression';
}

export function standaloneForms(block: Block): Record<'expression' | 'bindings', AssembledFile> {
  const lines = splitLines(block.code);
  const fence: LineOrigin = { kind: 'block', blockId: block.id, page: block.page, line: block.start.line, columnOffset: 0 };
  const closing: LineOrigin = { ...fence, line: block.codeLine + lines.length };
  const body = lines.map((_, i) => blockOrigin(block, i, 0));
  const form = (open: string, close: string): AssembledFile => ({
    path: '',
    text: [open, ...lines, close].join('\n') + '\n',
    origins: [fence, ...body, closing],
  });
  if (block.annotation.role !== 'lint') return { expression: form('with { }; (', ')'), bindings: form('with { }; {', '}') };
  return { expression: partialForm(block, 'expression'), bindings: partialForm(block, 'bindings') };
}

/**
 * An unannotated block, with the shapes docs use for partial code made real Nix
 * (`partial-code.ts`). The wrapper's close maps just past the block's last written line, so
 * that a block that ends too early is reported there.
 */
function partialForm(block: Block, form: 'expression' | 'bindings'): AssembledFile {
  const partial = partialCode(block.code, form);
  const origin = (line: number, column: number): LineOrigin => ({
    kind: 'block',
    blockId: block.id,
    page: block.page,
    line: block.codeLine + line,
    columnOffset: block.codeColumn - 1 + column,
  });
  const lines = splitLines(block.code);
  let last = lines.length - 1;
  while (last > 0 && lines[last]!.trim() === '') last--;
  const end = lines.length ? origin(last, lines[last]!.trimEnd().length) : { kind: 'block' as const, blockId: block.id, page: block.page, line: block.start.line, columnOffset: 0 };
  const fence: LineOrigin = { kind: 'block', blockId: block.id, page: block.page, line: block.start.line, columnOffset: 0 };
  const [open, close] = partial.wrap === 'expression' ? ['with { }; (', ')'] : ['with { }; {', '}'];
  return {
    path: '',
    text: [open, ...partial.lines.map((l) => l.text), close].join('\n') + '\n',
    origins: [fence, ...partial.lines.map((l) => origin(l.line, l.column)), end],
  };
}
