import { it } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { main } from '../src/cli/main.js';
import { runWithBaseline } from '../test/helpers/verdict-run-factory.js';
it('x', async () => {
  const dir = mkdtempSync(join(tmpdir(), 's7-'));
  const p = join(dir, 'results.json');
  writeFileSync(p, JSON.stringify(runWithBaseline(), null, 2));
  let err = '';
  const code = await main(['report', p, '--summary'], { io: { out: () => {}, err: (t) => (err += t) }, cwd: process.cwd(), env: {}, signal: new AbortController().signal });
  console.log(code, err);
});
