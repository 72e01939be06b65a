#!/usr/bin/env node
// `npm run test:mutation -- [folder ...]`: Stryker over the core folders, one folder at a time, each against the test
// files that cover it (Stryker's `testFiles` option), so a run is scoped narrowly enough for a 2-core machine and
// never runs the timing-sensitive cluster/CLI suites. Plain JavaScript on purpose: it must start before dist/ exists.
// Stryker 9.6.1 is pinned deliberately: 10.x needs Node 22, and our floor (package.json engines) is Node 20.19.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Stryker } from '@stryker-mutator/core';

/** Folder → what to mutate and which test files may kill it. Smallest and fastest first. */
const FOLDERS = {
  analysis: { mutate: ['src/analysis/**/*.ts'], tests: ['test/statistics-*.test.ts', 'test/histogram-*.test.ts'] },
  scenario: { mutate: ['src/scenario/**/*.ts'], tests: ['test/scenario-*.test.ts'] },
  report: { mutate: ['src/report/**/*.ts'], tests: ['test/report-*.test.ts'] },
  metrics: { mutate: ['src/metrics/**/*.ts'], tests: ['test/metrics-*.test.ts'] },
  workload: { mutate: ['src/workload/**/*.ts'], tests: ['test/workload-*.test.ts'] },
  load: { mutate: ['src/load/**/*.ts'], tests: ['test/load-*.test.ts'] },
  pipeline: {
    mutate: ['src/pipeline/**/*.ts'],
    tests: ['test/pipeline-*.test.ts', 'test/run-results-saved-after-every-repetition.test.ts'],
  },
  platform: {
    mutate: [
      'src/platform/operations.ts',
      'src/platform/execute-operations.ts',
      'src/platform/in-cluster-load.ts',
      'src/platform/cluster-platform.ts',
    ],
    tests: ['test/cluster-*.test.ts', 'test/plan-*.test.ts', 'test/pipeline-kind-*.test.ts'],
  },
};

/**
 * The folder's named test files plus every unit test that imports from what the folder mutates (a test named after a
 * behaviour rarely carries the folder's prefix). Cluster suites (vitest.cluster.config.ts) are not unit tests.
 */
function testFilesFor(mutate, named) {
  const roots = mutate.map((glob) => glob.replace(/\*\*\/\*\.ts$/, '').replace(/\.ts$/, ''));
  const importing = readdirSync('test')
    .filter((f) => f.endsWith('.test.ts'))
    .filter((f) => {
      const text = readFileSync(`test/${f}`, 'utf8');
      return roots.some((root) => text.includes(`${root}`));
    })
    .map((f) => `test/${f}`);
  return [...new Set([...named, ...importing])];
}

const SCORED = ['Killed', 'Timeout', 'Survived', 'NoCoverage'];

/** Counts by Stryker status and the mutation score (killed + timeout over every scored mutant), in percent. */
function score(results) {
  const counts = Object.fromEntries([...SCORED, 'CompileError', 'RuntimeError', 'Ignored'].map((s) => [s, 0]));
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  const detected = counts.Killed + counts.Timeout;
  const total = SCORED.reduce((sum, s) => sum + counts[s], 0);
  return { counts, score: total === 0 ? null : Math.round((1000 * detected) / total) / 10 };
}

async function main(argv) {
  // `--concurrency=N` overrides the config's 2 (use 1 on a machine others are using).
  const concurrencyFlag = argv.find((a) => a.startsWith('--concurrency='));
  const concurrency = concurrencyFlag === undefined ? undefined : Number(concurrencyFlag.slice('--concurrency='.length));
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0)) {
    process.stderr.write(`test:mutation: --concurrency must be a positive integer, got ${concurrencyFlag}\n`);
    return 2;
  }
  // `--ignore-static`: skip static mutants (module-level code such as zod schemas; each one reloads every test file).
  // Faster, but they count as ignored, so the score says so.
  const ignoreStatic = argv.includes('--ignore-static');
  const folders = argv.filter((a) => a !== concurrencyFlag && a !== '--ignore-static');
  const names = folders.length > 0 ? folders : Object.keys(FOLDERS);
  const unknown = names.filter((n) => !(n in FOLDERS));
  if (unknown.length > 0) {
    process.stderr.write(`test:mutation: unknown folder ${unknown.join(', ')} (one of: ${Object.keys(FOLDERS).join(', ')})\n`);
    return 2;
  }
  mkdirSync('.cache/stryker', { recursive: true });
  const lines = [];
  for (const name of names) {
    const { mutate, tests } = FOLDERS[name];
    const results = await new Stryker({
      configFile: 'test/mutation/stryker.config.json',
      mutate,
      testFiles: testFilesFor(mutate, tests),
      incrementalFile: `.cache/stryker/${name}.incremental.json`,
      jsonReporter: { fileName: `.cache/stryker/${name}.mutation.json` },
      ...(concurrency === undefined ? {} : { concurrency }),
      ...(ignoreStatic ? { ignoreStatic: true } : {}),
    }).runMutationTest();
    const { counts, score: s } = score(results);
    const line = `${name}${ignoreStatic ? ' (static mutants ignored)' : ''}: score ${s ?? 'n/a'}% (killed ${counts.Killed}, timeout ${counts.Timeout}, survived ${counts.Survived}, no coverage ${counts.NoCoverage}, compile errors ${counts.CompileError}, ignored ${counts.Ignored})`;
    writeFileSync(`.cache/stryker/${name}.score.json`, `${JSON.stringify({ folder: name, score: s, counts }, null, 2)}\n`);
    lines.push(line);
    process.stdout.write(`${line}\n`);
  }
  process.stdout.write(`\nmutation scores\n${lines.join('\n')}\n`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
