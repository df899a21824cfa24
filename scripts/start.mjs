#!/usr/bin/env node
// `npm start` and `npm run hotline`: build what is stale (scripts/build.mjs), then run the CLI in
// this same process, its arguments as given (one Node start fewer than a build check followed by
// `node packages/cli/dist/hotline.js`: about 0.1 s of every start).
import { buildWhatIsNeeded } from './build.mjs';

await buildWhatIsNeeded(true);
await import('../packages/cli/dist/hotline.js');
