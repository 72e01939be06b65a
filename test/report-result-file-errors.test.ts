import { describe, expect, it } from 'vitest';
import { ExitCode, InputError } from '../src/core/errors.js';
import { readRunResult } from '../src/report/result-file.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { loadTwoSystemFixture } from './helpers/run-result-factory.js';

const PATH = '/results/run/results.json';

async function readError(content: string | undefined): Promise<InputError> {
  const fs = new MemoryFileSystem(content === undefined ? {} : { [PATH]: content });
  try {
    await readRunResult(PATH, { fs });
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('readRunResult accepted the file');
}

/** The fixture as JSON text after `edit` changed it. */
function edited(edit: (data: Record<string, any>) => void): string {
  const data = structuredClone(loadTwoSystemFixture()) as unknown as Record<string, any>;
  edit(data);
  return JSON.stringify(data, null, 2);
}

describe('reading a results file', () => {
  it('returns the validated result', async () => {
    const fixture = loadTwoSystemFixture();
    const fs = new MemoryFileSystem({ [PATH]: JSON.stringify(fixture) });
    await expect(readRunResult(PATH, { fs })).resolves.toEqual(fixture);
  });

  it('names the file when it cannot be read', async () => {
    const err = await readError(undefined);
    expect(err.problems).toEqual([{ source: PATH, field: '', message: 'cannot read file (ENOENT)' }]);
    expect(err.message).toBe('/results/run/results.json: cannot read file (ENOENT)');
    expect(err.exitCode).toBe(ExitCode.invalidInput);
  });

  it('gives the parser message when the file is not JSON', async () => {
    const text = '{"schemaVersion": 1,';
    let parserMessage = '';
    try {
      JSON.parse(text);
    } catch (e) {
      parserMessage = (e as Error).message;
    }
    const err = await readError(text);
    expect(err.problems).toEqual([{ source: PATH, field: '', message: `not valid JSON: ${parserMessage}` }]);
    expect(err.message).toBe(`/results/run/results.json: not valid JSON: ${parserMessage}`);
  });

  it('rejects JSON that is not an object', async () => {
    expect((await readError('[]')).message).toBe(
      '/results/run/results.json: not a mesh-bench run result (expected a JSON object, got an array)',
    );
  });

  it('rejects another kind of file in one line', async () => {
    expect((await readError('{"name": "smoke", "steps": []}')).message).toBe(
      '/results/run/results.json: kind: not a mesh-bench run result (no kind field, expected "mesh-bench/run")',
    );
    expect((await readError(edited((d) => (d['kind'] = 'mesh-bench/load')))).message).toBe(
      '/results/run/results.json: kind: not a mesh-bench run result (kind is "mesh-bench/load", expected "mesh-bench/run")',
    );
  });

  it('rejects a result of another schema version in one line', async () => {
    const err = await readError(edited((d) => (d['schemaVersion'] = 7)));
    expect(err.problems).toEqual([
      { source: PATH, field: 'schemaVersion', message: 'unsupported schema version 7 (this harness reads 1)' },
    ]);
    expect(err.message).toBe('/results/run/results.json: schemaVersion: unsupported schema version 7 (this harness reads 1)');
    expect((await readError(edited((d) => delete d['schemaVersion']))).message).toBe(
      '/results/run/results.json: schemaVersion: missing (this harness reads schema version 1)',
    );
  });

  it('names the exact field of a schema violation deep in the file', async () => {
    const err = await readError(edited((d) => (d['systems'][0]['steps'][1]['repetitions'][0]['counts']['sent'] = -3)));
    expect(err.message).toBe('/results/run/results.json: systems[0].steps[1].repetitions[0].counts.sent: must be >= 0');
  });

  it('reports one problem per schema issue, each with a short message', async () => {
    const err = await readError(
      edited((d) => {
        d['runId'] = 12;
        delete d['createdAt'];
        d['status'] = 'done';
        d['extra'] = true;
        d['environment']['cores'] = 1.5;
        d['systems'][0]['steps'][0]['repetitions'][0]['counts']['statusCodes']['200'] = 'many';
        d['systems'][0]['steps'][0]['aggregate']['median']['p50Us']['ci95'] = [1];
        d['scenario']['steps'] = [];
        d['scenario']['workload']['path'] = 'echo';
        d['comparisons'][0]['pValueP50'] = 1.5;
        d['systems'][1]['failure'] = { step: 'installMesh', message: 'x', argv: [] };
      }),
    );
    expect(err.problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
      'runId: expected string, got 12',
      'createdAt: missing (expected string)',
      'status: expected one of "completed", "failed", "interrupted", got a string ("done")',
      'scenario.workload.path: must start with "/"',
      'scenario.steps: must have at least 1 item',
      'environment.cores: expected an integer, got 1.5',
      'systems[0].steps[0].repetitions[0].counts.statusCodes["200"]: expected number, got a string ("many")',
      'systems[0].steps[0].aggregate.median.p50Us.ci95: must have at least 2 items',
      'systems[1].failure: unknown field "argv"',
      'comparisons[0].pValueP50: must be <= 1',
      ': unknown field "extra"',
    ]);
    expect(err.problems.every((p) => p.source === PATH)).toBe(true);
    expect(err.message.split('\n')[0]).toBe('/results/run/results.json: runId: expected string, got 12');
  });
});
