/**
 * A process that writes an `--out` folder, for the tests of out-dir.ts that need more than
 * one process or a signal. Usage: out-dir-writer.ts DIR LABEL TIMES [slow]
 * With `slow`, it prints `writing` once it has started and then writes one file at a time;
 * on SIGINT it exits as the verifier does.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeOutDir, type OutOptions } from '../../scripts/verifier/out-dir.ts';
import type { AssembledFile } from '../../scripts/verifier/types.ts';

const [dir, label, times, slow] = process.argv.slice(2) as [string, string, string, string | undefined];
process.once('SIGINT', () => process.exit(130));

const files: AssembledFile[] = Array.from({ length: 100 }, (_, i) => ({ path: `f${i}.nix`, text: `"${label}"\n`, origins: [] }));
const slowly: OutOptions['writeTree'] = async (tree, written) => {
  await mkdir(tree, { recursive: true });
  process.stdout.write('writing\n');
  for (const file of written) {
    await writeFile(join(tree, file.path), file.text);
    await sleep(20);
  }
};
const options: OutOptions = slow ? { guarded: [], writeTree: slowly } : { guarded: [] };
for (let i = 0; i < Number(times); i++) {
  await writeOutDir(dir, [{ name: 'one', files }, { name: 'two', files }], options);
}
