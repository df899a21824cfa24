/** `node db-baseline.js <file>`: writes the embedded database's baseline (see baseline.ts). */
import { writeBaseline } from './baseline.js';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node db-baseline.js <file.tar.gz>\n');
  process.exit(2);
}
const applied = await writeBaseline(file);
process.stdout.write(`wrote ${file} (${applied.length} migrations)\n`);
