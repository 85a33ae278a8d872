/**
 * The zod schema of the verifier's report (`.verify/report.json`), mirroring the `Report`
 * contract in scripts/verifier/types.ts. The `z.ZodType<Report>` annotations make the
 * compiler check that schema and contract agree.
 */
import { z } from 'zod';
import { LEVELS, REPORT_VERSION, type Report } from '../../scripts/verifier/types.ts';

const Level = z.enum(LEVELS);
const Status = z.enum(['verified', 'failed', 'exempt', 'not-run']);
const Role = z.enum(['file', 'fragment', 'exempt', 'expected-failure', 'command', 'lint']);

const NixpkgsIdentity = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('pinned'),
    label: z.string(),
    url: z.string(),
    rev: z.string().exactOptional(),
    narHash: z.string().exactOptional(),
    locked: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).exactOptional(),
    fromLock: z.boolean().exactOptional(),
  }),
  z.object({ kind: z.literal('path'), label: z.string(), path: z.string(), rev: z.string().exactOptional() }),
  z.object({ kind: z.literal('standin'), label: z.string(), version: z.string(), kernel: z.string().nullable().exactOptional() }),
  z.object({ kind: z.literal('none'), label: z.string() }),
]);

const BlockReport = z.object({
  id: z.string(),
  page: z.string(),
  line: z.number().int().positive(),
  column: z.number().int().positive(),
  lang: z.string(),
  role: Role,
  flake: z.string().nullable(),
  file: z.string().nullable(),
  slot: z.string().nullable(),
  level: Level.nullable(),
  status: Status,
  message: z.string().nullable(),
  reason: z.string().nullable(),
  failedWith: z.string().nullable(),
  code: z.string(),
});

const Segment = z.object({
  from: z.number().int().positive(),
  to: z.number().int().positive(),
  origin: z.enum(['glue', 'block']),
  blockId: z.string().exactOptional(),
  source: z.string(),
});

const FlakeReport = z.object({
  name: z.string(),
  variantOf: z.string().nullable(),
  files: z.array(z.object({ path: z.string(), segments: z.array(Segment) })),
  links: z.record(z.string(), z.string()),
  level: Level.nullable(),
  status: Status,
  checks: z.array(z.object({ name: z.string(), status: Status })),
  message: z.string().nullable(),
  cap: z.string().nullable(),
  notBuilt: z.array(z.object({ name: z.string(), reason: z.string() })),
  folder: z.string(),
  builtAgainst: z.array(z.string()),
  booted: z.array(z.object({ host: z.string(), machine: z.string(), description: z.string(), kernel: z.string() })),
});

const Diagnostic = z.object({
  reason: z.string(),
  file: z.string(),
  place: z.object({ line: z.number(), column: z.number() }).exactOptional(),
  ruleId: z.string(),
  notes: z.array(z.string()).exactOptional(),
  blockId: z.string().exactOptional(),
  fatal: z.boolean().exactOptional(),
});

export const ReportSchema: z.ZodType<Report> = z.object({
  version: z.literal(REPORT_VERSION),
  generatedAt: z.string(),
  command: z.string(),
  nix: z.object({ version: z.string(), name: z.string() }),
  nixpkgs: NixpkgsIdentity,
  levelRequested: Level,
  blocks: z.array(BlockReport),
  flakes: z.array(FlakeReport),
  diagnostics: z.array(Diagnostic),
  caps: z.array(z.string()),
  builtAgainst: z.array(z.string()),
  summary: z.object({
    blocks: z.number().int(),
    verified: z.number().int(),
    failed: z.number().int(),
    exempt: z.number().int(),
  }),
});
