import { describe, expect, it } from 'vitest';
import { InputError } from '../src/core/errors.js';
import { readRunResult } from '../src/report/result-file.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { loadTwoSystemFixture } from './helpers/run-result-factory.js';

const PATH = '/results/run/results.json';

/** The fixture after `edit`, read back: the one problem line it gives (or "accepted"). */
async function problem(edit: (data: Record<string, any>) => void): Promise<string> {
  const data = structuredClone(loadTwoSystemFixture()) as unknown as Record<string, any>;
  edit(data);
  try {
    await readRunResult(PATH, { fs: new MemoryFileSystem({ [PATH]: JSON.stringify(data) }) });
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  return 'accepted';
}

const rep = 'systems[0].steps[0].repetitions[0]';

describe('bench report refuses a result that contradicts itself, naming the field', () => {
  it('reads the unedited fixture', async () => {
    expect(await problem(() => {})).toBe('accepted');
  });

  it('a histogram that does not decode', async () => {
    const message = await problem((d) => {
      d.systems[0].steps[0].repetitions[0].latency.sent.histogram.data = 'bm90IGEgaGlzdG9ncmFt';
    });
    expect(message).toMatch(new RegExp(`^${PATH}: ${rep.replace(/[[\].]/g, '\\$&')}\\.latency\\.sent\\.histogram: does not decode as an HdrHistogram`));
  });

  it('a histogram that holds other latencies than its summary says', async () => {
    // An empty histogram where the summary counts responses.
    const empty = 'HISTFAAAAB14nJNpmSzMwMDACMXMDBAAYjMwT25ngPMBP/YCaw==';
    const message = await problem((d) => {
      d.systems[0].steps[0].repetitions[0].latency.sent.histogram.data = empty;
    });
    expect(message).toMatch(/repetitions\[0\]\.latency\.sent\.histogram: holds 0 latencies, but its summary says [1-9]\d*/);
  });

  it('a repetition of an install the scenario never ran', async () => {
    const message = await problem((d) => {
      d.scenario.installs = 2;
      d.systems[0].steps[0].repetitions[0].install = 3;
    });
    expect(message).toBe(`${PATH}: ${rep}.install: is 3, but the scenario ran 2 installs`);
  });

  it('an install tag in a result whose scenario has no installs (one install)', async () => {
    const message = await problem((d) => {
      d.systems[0].steps[0].repetitions[0].install = 2;
    });
    expect(message).toBe(`${PATH}: ${rep}.install: is 2, but the scenario ran 1 install`);
  });

  it('reads repetitions tagged with the installs the scenario ran', async () => {
    expect(
      await problem((d) => {
        d.scenario.installs = 2;
        d.systems[0].steps[0].repetitions.forEach((r: Record<string, unknown>, i: number) => (r.install = i === 0 ? 1 : 2));
      }),
    ).toBe('accepted');
  });

  it('a system listed twice', async () => {
    const message = await problem((d) => {
      d.systems.push(structuredClone(d.systems[0]));
    });
    expect(message).toBe(`${PATH}: systems[${loadTwoSystemFixture().systems.length}].id: "${loadTwoSystemFixture().systems[0]!.id}" is listed twice (also systems[0]); system ids must be unique`);
  });

  it('counts that do not add up', async () => {
    expect(
      await problem((d) => {
        d.systems[0].steps[0].repetitions[0].counts.ok += 5;
      }),
    ).toMatch(/repetitions\[0\]\.counts\.completed: is \d+, but ok \d+ \+ non2xx \d+ = \d+/);
  });

  it('a throughput the counts cannot give', async () => {
    expect(
      await problem((d) => {
        d.systems[0].steps[0].repetitions[0].throughput *= 2;
      }),
    ).toMatch(/repetitions\[0\]\.throughput: is [\d.]+\/s over [\d.]+ s, but \d+ responses completed/);
  });

  it('an error rate above 100%', async () => {
    expect(
      await problem((d) => {
        d.systems[0].steps[0].repetitions[0].errorRate = 5.8061;
      }),
    ).toMatch(/repetitions\[0\]\.errorRate: is 5\.8061: a fraction of the requests sent cannot exceed 1/);
  });

  it('a valid-repetition count that disagrees with the repetitions', async () => {
    expect(
      await problem((d) => {
        d.systems[0].steps[0].aggregate.validRepetitions += 1;
      }),
    ).toMatch(/steps\[0\]\.aggregate\.validRepetitions: is \d+, but \d+ repetitions are valid/);
  });

  it('a comparison against a system that is not there', async () => {
    expect(
      await problem((d) => {
        d.comparisons[0].system = 'ghost';
      }),
    ).toMatch(/comparisons\[0\]\.system: "ghost" is not one of the systems/);
  });
});
