import { parseQuery } from '../src/archive/queries.js';
import * as repo from '../src/archive/repository.js';
import { openDatabase } from '../src/db/database.js';

const h = await openDatabase({
  url: 'postgres://postgres@localhost:5432/test',
  schema: process.argv[2]!,
  poolSize: 1,
});
for (const q of process.argv.slice(3)) {
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    const f = await repo.transaction(h.db, (tx) =>
      repo.search(tx, { officeId: '0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6a', ...parseQuery(q) }, 20, 0),
    );
    console.log(q, (performance.now() - t0).toFixed(0), 'ms', f.total, f.exact, f.estimated);
  }
}
await h.close();
