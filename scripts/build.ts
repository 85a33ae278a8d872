#!/usr/bin/env node
/**
 * The main job: verify every snippet of the guide, then build the site from the verifier's
 * report and assembled flakes. A failed verification stops the build, so no page is
 * published with stale marks.
 *
 *   npm run build                 real nixpkgs (falls back to the stand-in outside CI)
 *   npm run build -- --offline    the offline stand-in
 */
import { resolve } from 'node:path';
import { $ } from 'zx';
import { main as verify } from './verify.ts';
import { runProgram } from './verifier/program.ts';

export const VERIFY_DIR = '.verify';

const root = resolve(import.meta.dirname, '..');
// As `npm run verify`: an interrupt stops Nix and the virtual machines, and removes the scratch folders.
await runProgram(async () => {
  const code = await verify(['--report', `${VERIFY_DIR}/report.json`, '--out', `${VERIFY_DIR}/flakes`, ...process.argv.slice(2)]);
  if (code !== 0) {
    process.stderr.write(`\nThe site was not built: verification failed (exit ${code}).\n`);
    return code;
  }
  await $({ cwd: root, stdio: 'inherit' })`astro build`;
  return 0;
});
