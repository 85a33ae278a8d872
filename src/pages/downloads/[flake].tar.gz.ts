/**
 * `/downloads/<flake>.tar.gz`: one archive per assembled flake (variants for expected failures
 * excepted), holding byte for byte the tree the verifier evaluated.
 */
import { join } from 'node:path';
import type { APIRoute, GetStaticPaths } from 'astro';
import { flakeArchive } from '../../lib/flake-archive.ts';
import { verification } from '../../lib/site-verification.ts';

export const getStaticPaths = (() =>
  verification()
    .downloadableFlakes()
    .map((flake) => ({ params: { flake: flake.name } }))) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ params }) => {
  const data = verification();
  const name = params.flake!;
  const folder = data.report.flakes.find((f) => f.name === name)?.folder ?? name;
  const archive = await flakeArchive(join(data.dir, 'flakes'), name, data.flakeTree(name), folder);
  return new Response(new Uint8Array(archive), { headers: { 'Content-Type': 'application/gzip' } });
};
