// `npm run reference` (compiled to dist/test/reference/): see reference-fetch-command.ts.
import { processIo } from '../../src/cli/io.js';
import { runFetchReference } from './reference-fetch-command.js';

process.exitCode = await runFetchReference({ cwd: process.cwd(), env: process.env, io: processIo, fetch: (url, init) => fetch(url, init) });
