#!/usr/bin/env node
import { restrictUmask } from '@hotline/server/light';
import { buildProgram } from './program.js';

// Whatever Hotline writes (database files, keys, exports) is private to the user running it.
restrictUmask();
await buildProgram().parseAsync(process.argv);
