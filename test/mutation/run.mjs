#!/usr/bin/env node
// `npm run test:mutation -- [folder ...]`: Stryker over the core folders, one folder at a time, each against the test
// files that cover it (Stryker's `testFiles` option), so a run is scoped narrowly enough for a 2-core machine and
// never runs the timing-sensitive cluster/CLI suites. Plain JavaScript on purpose: it must start before dist/ exists.
// Stryker 9.6.1 is pinned deliberately: 10.x needs Node 22, and our floor (package.json engines) is Node 20.19.
import { mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';
import { Stryker } from '@stryker-mutator/core';
// Stryker's own instrumenter (core's dependency, same 9.6.1), so a sample is drawn from exactly the mutants a run makes.
import { Instrumenter } from '@stryker-mutator/instrumenter';

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

// The initial test run's limit. Stryker's default (5 min) is too short for `report`'s 40 test files on a loaded 2-core
// machine (a sample's initial run timed out at load 16).
// https://stryker-mutator.io/docs/stryker-js/configuration/#dryruntimeoutminutes-number
const DRY_RUN_TIMEOUT_MINUTES = 30;

/** Counts by Stryker status and the mutation score (killed + timeout over every scored mutant), in percent. */
function score(results) {
  const counts = Object.fromEntries([...SCORED, 'CompileError', 'RuntimeError', 'Ignored'].map((s) => [s, 0]));
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  const detected = counts.Killed + counts.Timeout;
  const total = SCORED.reduce((sum, s) => sum + counts[s], 0);
  return { counts, score: total === 0 ? null : Math.round((1000 * detected) / total) / 10 };
}

// The files a folder's `mutate` entries name: `dir/**/*.ts` (every `.ts` below dir, hidden ones skipped as Stryker's
// matcher does) or one file. Sorted, so a listing (and a seeded sample of it) does not depend on directory order.
function filesOf(mutate) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) files.push(path);
    }
  };
  for (const glob of mutate) {
    if (glob.endsWith('/**/*.ts')) walk(glob.slice(0, -'/**/*.ts'.length));
    else if (glob.endsWith('.ts') && !glob.includes('*') && statSync(glob).isFile()) files.push(glob);
    else throw new Error(`test:mutation: cannot list the mutants of mutate entry ${glob} (only dir/**/*.ts or a file)`);
  }
  return [...new Set(files)].sort();
}

/** Stryker's instrumenter logs through core's logger; a listing reports warnings and errors only. */
const quietLogger = {
  isTraceEnabled: () => false,
  isDebugEnabled: () => false,
  isInfoEnabled: () => false,
  isWarnEnabled: () => true,
  isErrorEnabled: () => true,
  isFatalEnabled: () => true,
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message, ...args) => process.stderr.write(`instrumenter: ${message} ${args.join(' ')}\n`),
  error: (message, ...args) => process.stderr.write(`instrumenter: ${message} ${args.join(' ')}\n`),
  fatal: (message, ...args) => process.stderr.write(`instrumenter: ${message} ${args.join(' ')}\n`),
};

/**
 * Every mutant Stryker creates for these files, as core does it (@stryker-mutator/core 9.6.1,
 * dist/src/process/2-mutant-instrumenter-executor.js: `instrumenter.instrument(files, { ignorers, ...options.mutator })`
 * with each file's `mutate: true`): same mutators, `// Stryker disable` comments honoured (those come back with status
 * Ignored). Locations are Stryker's internal ones: line and column both 0-based (babel's column, line − 1).
 * Which mutants are *static* is not known here: Stryker learns it from the dry run's coverage (a mutant reached while a
 * test file loads, outside any test: core's dist/src/mutants/mutant-test-planner.js), so a sample is drawn from all of
 * them and the static ones drawn come back from the run as Ignored under --ignore-static.
 */
async function listMutants(mutate) {
  const config = JSON.parse(readFileSync('test/mutation/stryker.config.json', 'utf8'));
  if (config.ignorers !== undefined && config.ignorers.length > 0) {
    throw new Error('test:mutation: stryker.config.json names ignorer plugins, which a listing cannot load');
  }
  const files = filesOf(mutate).map((name) => ({ name: resolve(name), mutate: true, content: readFileSync(name, 'utf8') }));
  const { mutants } = await new Instrumenter(quietLogger).instrument(files, {
    plugins: null,
    excludedMutations: [],
    ...config.mutator,
    ignorers: [],
  });
  return mutants.map((m) => ({ ...m, fileName: relativeName(m.fileName) }));
}

/** A path relative to the checkout, with forward slashes: the key a sampled mutant and a result are matched on. */
function relativeName(fileName) {
  return relative(process.cwd(), resolve(fileName)).split('\\').join('/');
}

/** File, location (0-based), mutator and replacement: what identifies a mutant across runs that number them apart. */
function mutantKey(m) {
  const { start, end } = m.location;
  return `${relativeName(m.fileName)}@${start.line}:${start.column}-${end.line}:${end.column} ${m.mutatorName} ${JSON.stringify(m.replacement)}`;
}

/** mulberry32: a small seeded PRNG, uniform on [0, 1); the same seed gives the same sample on every machine. */
function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n of the items, uniformly at random without replacement (a partial Fisher–Yates shuffle), in listing order. */
function drawSample(items, n, seed) {
  const random = seededRandom(seed);
  const indexes = items.map((_, i) => i);
  for (let i = 0; i < n; i += 1) {
    const j = i + Math.floor(random() * (indexes.length - i));
    [indexes[i], indexes[j]] = [indexes[j], indexes[i]];
  }
  return indexes
    .slice(0, n)
    .sort((x, y) => x - y)
    .map((i) => items[i]);
}

/**
 * Stryker's `mutate` range for one mutant: `file:startLine:startColumn-endLine:endColumn`, lines 1-based and columns
 * as babel counts them (0-based), the end included (core 9.6.1 dist/src/fs/project-reader.js parses the line − 1 and
 * the column as is; the instrumenter adds 1 to the line back and mutates a node whose location lies inside a range,
 * util/syntax-helpers.js `locationIncluded`). https://stryker-mutator.io/docs/stryker-js/configuration/#mutate-string
 */
function mutateRange(m) {
  const { start, end } = m.location;
  return `${m.fileName}:${start.line + 1}:${start.column}-${end.line + 1}:${end.column}`;
}

/** Wilson score interval for k successes in n trials (z = 1.96 for 95%), in percent with one decimal. */
function wilson(k, n, z = 1.959963984540054) {
  if (n === 0) return null;
  const p = k / n;
  const denominator = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denominator;
  const percent = (x) => Math.round(1000 * Math.min(1, Math.max(0, x))) / 10;
  return { low: percent(centre - half), high: percent(centre + half) };
}

/**
 * A result as `runMutationTest()` returns it (and the json report holds it) counts lines and columns from 1 (core's
 * reporters/mutation-test-report-helper.js `toSchemaLocation`); the instrumenter's mutants count both from 0.
 */
function fromSchemaLocation(r) {
  const { start, end } = r.location;
  return {
    ...r,
    location: { start: { line: start.line - 1, column: start.column - 1 }, end: { line: end.line - 1, column: end.column - 1 } },
  };
}

/**
 * Match a sampled run's results back to the sampled mutants. A range also brings in the mutants nested inside it and
 * the other mutants of the same node: those are run but not scored. A sampled mutant with no result is an error.
 */
export function sampledResults(sample, results) {
  const byKey = new Map();
  for (const r of results) {
    const key = mutantKey(fromSchemaLocation(r));
    byKey.set(key, [...(byKey.get(key) ?? []), r]);
  }
  const matched = [];
  const missing = [];
  for (const m of sample) {
    const key = mutantKey(m);
    const found = byKey.get(key)?.shift();
    if (found === undefined) missing.push(key);
    else matched.push(found);
  }
  return { matched, missing };
}

async function runSample(name, { mutate, tests }, { n, seed, ignoreStatic, concurrency }) {
  const all = await listMutants(mutate);
  const population = all.filter((m) => m.status !== 'Ignored');
  const disabled = all.length - population.length;
  if (n > population.length) {
    process.stderr.write(`test:mutation: --sample=${n} is more than the ${population.length} mutants of ${name}\n`);
    return { exitCode: 2 };
  }
  const sample = drawSample(population, n, seed);
  const ranges = [...new Set(sample.map(mutateRange))];
  const sampleFile = resolve(`.cache/stryker/${name}.sample.mutants.json`);
  writeFileSync(sampleFile, `${JSON.stringify(sample, null, 2)}\n`);
  process.env[SAMPLE_FILE_ENV] = sampleFile;
  process.stdout.write(
    `${name}: sampled ${n} of ${population.length} mutants (seed ${seed}; ${disabled} disabled in the source, not drawn), listed in ${relativeName(sampleFile)}\n`,
  );
  const results = await new Stryker({
    configFile: 'test/mutation/stryker.config.json',
    mutate: ranges,
    // This file is also the `sample-only` ignorer plugin (strykerPlugins below): it is loaded, not run again.
    appendPlugins: [fileURLToPath(import.meta.url)],
    ignorers: ['sample-only'],
    testFiles: testFilesFor(mutate, tests),
    // A sample never reads nor writes the full run's incremental file: its results must not seed a full run's.
    incremental: false,
    dryRunTimeoutMinutes: DRY_RUN_TIMEOUT_MINUTES,
    incrementalFile: `.cache/stryker/${name}.sample.incremental.json`,
    jsonReporter: { fileName: `.cache/stryker/${name}.sample.mutation.json` },
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(ignoreStatic ? { ignoreStatic: true } : {}),
  }).runMutationTest();
  const { matched, missing } = sampledResults(sample, results);
  if (missing.length > 0) {
    process.stderr.write(`test:mutation: ${missing.length} sampled mutant(s) of ${name} have no result in the run, first: ${missing[0]}\n`);
    return { exitCode: 1 };
  }
  const leftOut = matched.filter((r) => r.statusReason === NOT_SAMPLED);
  if (leftOut.length > 0) {
    process.stderr.write(`test:mutation: the sample-only ignorer left out ${leftOut.length} sampled mutant(s) of ${name}, first: ${mutantKey(fromSchemaLocation(leftOut[0]))}\n`);
    return { exitCode: 1 };
  }
  const extra = results.length - matched.length;
  const extraRun = results.filter((r) => r.statusReason !== NOT_SAMPLED).length - matched.length;
  process.stdout.write(`${name}: the run reported ${results.length} mutants: the ${n} sampled, ${extraRun} more of their nodes and ranges (not scored), ${extra - extraRun} ignored as not sampled\n`);
  const { counts, score: s } = score(matched);
  const scored = SCORED.reduce((sum, status) => sum + counts[status], 0);
  const interval = wilson(counts.Killed + counts.Timeout, scored);
  const staticIgnored = matched.filter((r) => r.status === 'Ignored' && /static/i.test(r.statusReason ?? '')).length;
  const what = `sample of ${n} of ${population.length} mutants, seed ${seed}${ignoreStatic ? ', static mutants ignored' : ''}`;
  const range = interval === null ? '' : ` [95% interval ${interval.low}–${interval.high}]`;
  const byStatus =
    `killed ${counts.Killed}, timeout ${counts.Timeout}, survived ${counts.Survived}, no coverage ${counts.NoCoverage}, ` +
    `compile errors ${counts.CompileError}, ignored ${counts.Ignored}${ignoreStatic ? ` of which static ${staticIgnored}` : ''}`;
  const line = `${name} (${what}): score ${s ?? 'n/a'}%${range} (${byStatus})`;
  const undetected = matched
    .filter((r) => r.status === 'Survived' || r.status === 'NoCoverage')
    .map((r) => ({
      file: relativeName(r.fileName),
      line: r.location.start.line,
      column: r.location.start.column,
      mutatorName: r.mutatorName,
      replacement: r.replacement,
      status: r.status,
    }));
  writeFileSync(
    `.cache/stryker/${name}.sample.score.json`,
    `${JSON.stringify(
      {
        folder: name,
        sample: { size: n, population: population.length, disabledInSource: disabled, seed, ignoreStatic, scored },
        score: s,
        interval95: interval === null ? null : { method: 'Wilson', ...interval },
        counts,
        staticIgnored,
        undetected,
      },
      null,
      2,
    )}\n`,
  );
  return { exitCode: 0, line };
}

/** Environment variable naming the JSON file of the sampled mutants, for the `sample-only` ignorer. */
const SAMPLE_FILE_ENV = 'TEST_MUTATION_SAMPLE_FILE';
const NOT_SAMPLED = 'Not in the sample (test:mutation --sample): run neither tested nor scored';

/**
 * The `sample-only` ignorer: a node that is not the node of a sampled mutant nor one of its ancestors is ignored, with
 * everything inside it (Stryker's IgnorerBookkeeper ignores a node's subtree). Without it, a sampled `{}` block mutant's
 * range would also run every mutant inside the block (400 sampled `src/report` mutants brought in ~1,300). Still run,
 * not scored: the other mutants of a sampled node (an ignorer sees nodes, not mutants: `a < b` also gives `a <= b`,
 * `true`, `false`), and an ancestor's mutants where it lies inside another sampled mutant's range. On a 20-mutant
 * `scenario` sample that was 18 more.
 * An ignorer plugin is Stryker's documented way to leave nodes out:
 * https://stryker-mutator.io/docs/stryker-js/disable-mutants/#using-an-ignore-plugin
 */
function sampleOnlyIgnorer() {
  let byFile;
  return {
    shouldIgnore(path) {
      if (byFile === undefined) {
        const file = process.env[SAMPLE_FILE_ENV];
        if (file === undefined) throw new Error(`the sample-only ignorer needs ${SAMPLE_FILE_ENV} (set by test:mutation --sample)`);
        byFile = new Map();
        for (const m of JSON.parse(readFileSync(file, 'utf8'))) byFile.set(m.fileName, [...(byFile.get(m.fileName) ?? []), m.location]);
      }
      const { loc } = path.node;
      const fileName = path.hub?.file?.opts?.filename;
      if (loc === undefined || loc === null) return undefined;
      if (fileName === undefined) throw new Error('the sample-only ignorer cannot tell which file a node is in');
      // babel counts lines from 1, Stryker's mutant locations from 0; columns are babel's in both.
      const node = { start: { line: loc.start.line - 1, column: loc.start.column }, end: { line: loc.end.line - 1, column: loc.end.column } };
      const sampled = byFile.get(relativeName(fileName)) ?? [];
      return sampled.some((location) => contains(node, location)) ? undefined : NOT_SAMPLED;
    },
  };
}

export const strykerPlugins = [declareValuePlugin(PluginKind.Ignore, 'sample-only', sampleOnlyIgnorer())];

/** Whether location b lies inside location a (both 0-based), as the instrumenter's `locationIncluded` decides. */
function contains(a, b) {
  const startIn = a.start.line < b.start.line || (a.start.line === b.start.line && a.start.column <= b.start.column);
  const endIn = a.end.line > b.end.line || (a.end.line === b.end.line && a.end.column >= b.end.column);
  return startIn && endIn;
}

/** `--name=value` as an integer ≥ min (`{ value, flag }`), `{ value: undefined }` when absent, `{ error }` when bad. */
function integerFlag(argv, name, { min }) {
  const flag = argv.find((a) => a.startsWith(`--${name}=`));
  if (flag === undefined) return { value: undefined };
  const value = Number(flag.slice(`--${name}=`.length));
  if (!(Number.isInteger(value) && value >= min)) {
    return { error: `test:mutation: --${name} must be an integer ≥ ${min}, got ${flag}` };
  }
  return { value, flag };
}

async function main(argv) {
  // `--concurrency=N` overrides the config's 2 (use 1 on a machine others are using).
  const concurrency = integerFlag(argv, 'concurrency', { min: 1 });
  // `--sample=N [--seed=S]`: score N mutants drawn at random from the folder's (see runSample); `--list`: only count
  // the folder's mutants per file, as Stryker would create them, and write them to .cache/stryker/<folder>.mutants.json.
  const sample = integerFlag(argv, 'sample', { min: 1 });
  const seed = integerFlag(argv, 'seed', { min: 0 });
  const invalid = [concurrency, sample, seed].find((f) => f.error !== undefined);
  if (invalid !== undefined) {
    process.stderr.write(`${invalid.error}\n`);
    return 2;
  }
  if (seed.value !== undefined && sample.value === undefined) {
    process.stderr.write('test:mutation: --seed only goes with --sample=N\n');
    return 2;
  }
  // `--ignore-static`: skip static mutants (module-level code such as zod schemas; each one reloads every test file).
  // Faster, but they count as ignored, so the score says so.
  const ignoreStatic = argv.includes('--ignore-static');
  const list = argv.includes('--list');
  const flags = new Set([concurrency.flag, sample.flag, seed.flag, '--ignore-static', '--list']);
  const unknownFlags = argv.filter((a) => a.startsWith('--') && !flags.has(a));
  if (unknownFlags.length > 0) {
    process.stderr.write(`test:mutation: unknown flag ${unknownFlags.join(', ')} (--concurrency=N, --ignore-static, --sample=N, --seed=S, --list)\n`);
    return 2;
  }
  const folders = argv.filter((a) => !flags.has(a));
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
    if (list) {
      const mutants = await listMutants(mutate);
      const perFile = {};
      for (const m of mutants) perFile[m.fileName] = (perFile[m.fileName] ?? 0) + 1;
      writeFileSync(`.cache/stryker/${name}.mutants.json`, `${JSON.stringify(mutants, null, 2)}\n`);
      const disabled = mutants.filter((m) => m.status === 'Ignored').length;
      for (const [file, count] of Object.entries(perFile)) process.stdout.write(`${file}: ${count}\n`);
      const line = `${name}: ${mutants.length} mutants (${disabled} disabled in the source)`;
      lines.push(line);
      process.stdout.write(`${line}\n`);
      continue;
    }
    if (sample.value !== undefined) {
      const outcome = await runSample(name, { mutate, tests }, {
        n: sample.value,
        seed: seed.value ?? 1,
        ignoreStatic,
        concurrency: concurrency.value,
      });
      if (outcome.exitCode !== 0) return outcome.exitCode;
      lines.push(outcome.line);
      process.stdout.write(`${outcome.line}\n`);
      continue;
    }
    const results = await new Stryker({
      configFile: 'test/mutation/stryker.config.json',
      mutate,
      testFiles: testFilesFor(mutate, tests),
      incrementalFile: `.cache/stryker/${name}.incremental.json`,
      jsonReporter: { fileName: `.cache/stryker/${name}.mutation.json` },
      dryRunTimeoutMinutes: DRY_RUN_TIMEOUT_MINUTES,
      ...(concurrency.value === undefined ? {} : { concurrency: concurrency.value }),
      ...(ignoreStatic ? { ignoreStatic: true } : {}),
    }).runMutationTest();
    const { counts, score: s } = score(results);
    const line = `${name}${ignoreStatic ? ' (static mutants ignored)' : ''}: score ${s ?? 'n/a'}% (killed ${counts.Killed}, timeout ${counts.Timeout}, survived ${counts.Survived}, no coverage ${counts.NoCoverage}, compile errors ${counts.CompileError}, ignored ${counts.Ignored})`;
    writeFileSync(`.cache/stryker/${name}.score.json`, `${JSON.stringify({ folder: name, score: s, counts }, null, 2)}\n`);
    lines.push(line);
    process.stdout.write(`${line}\n`);
  }
  process.stdout.write(`\n${list ? 'mutants' : 'mutation scores'}\n${lines.join('\n')}\n`);
  return 0;
}

// Run only as the script: Stryker also imports this file for its `sample-only` ignorer plugin. No top-level await: that
// import happens while main runs, and would wait for this module's evaluation, i.e. for main, forever.
const isScript = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (isScript) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`test:mutation: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
