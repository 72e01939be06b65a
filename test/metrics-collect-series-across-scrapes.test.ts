import { describe, expect, it } from 'vitest';
import { collectSeries } from '../src/metrics/sampler-math.js';
import { at, scrapeAt, type ContainerAt } from './helpers/resource-scrapes.js';

const server = (memory: number | null, cpu: number | null, startTimeSeconds?: number): ContainerAt => ({
  ns: 'bench',
  pod: 'server-0',
  name: 'server',
  memory,
  cpu,
  ...(startTimeSeconds === undefined ? {} : { startTimeSeconds }),
});

describe('collecting kubelet scrapes into series', () => {
  it('keeps a sample taken exactly at the window’s start or end, and notes nothing when nothing was dropped', () => {
    const scrapes = [0, 10, 20].map((t, i) => scrapeAt('w1', t, [server(100 + i, i)]));
    const c = collectSeries(scrapes, { startMs: at(0), endMs: at(20) });
    expect(c.containers[0]?.memory.map((p) => p.value)).toEqual([100, 101, 102]);
    expect(c.notes).toEqual([]);
    const narrower = collectSeries(scrapes, { startMs: at(0) + 1, endMs: at(20) - 1 });
    expect(narrower.containers[0]?.memory.map((p) => p.value)).toEqual([101]);
    expect(narrower.notes).toEqual(['4 sample(s) timestamped outside the step window were dropped']);
  });

  it('leaves out a container whose every sample fell outside the window', () => {
    const scrapes = [scrapeAt('w1', 0, [server(100, 1), { ns: 'bench', pod: 'load-0', name: 'load', memory: 5, cpu: 1 }]), scrapeAt('w1', 10, [server(100, 2)])];
    const c = collectSeries(scrapes, { startMs: at(5), endMs: at(30) });
    expect(c.containers.map((x) => x.key)).toEqual(['bench/server-0/server']);
    expect(c.distinctSamples).toBe(2);
  });

  it('keeps a container that sent only memory, or only CPU, on the node that sent it', () => {
    const scrapes = [0, 10].map((t, i) =>
      scrapeAt('w1', t, [
        { ns: 'bench', pod: 'a', name: 'mem-only', memory: 10 + i, cpu: null },
        { ns: 'bench', pod: 'b', name: 'cpu-only', memory: null, cpu: 1 + i },
      ]),
    );
    const c = collectSeries(scrapes);
    expect(c.containers.map((x) => [x.key, x.node, x.memory.length, x.cpu.length])).toEqual([
      ['bench/a/mem-only', 'w1', 2, 0],
      ['bench/b/cpu-only', 'w1', 0, 2],
    ]);
    // Values read: one per present row, none for an absent one.
    expect(c.samplesRead).toBe(4);
  });

  it('places a container that moved on the node of its latest sample, and names it in a note', () => {
    // Seen on w2 first (0 s), then on w1 (10 s, 20 s), and w2's kubelet still serves its old reading at 30 s.
    const scrapes = [scrapeAt('w2', 0, [server(100, 1)]), scrapeAt('w1', 10, [server(100, 2)]), scrapeAt('w1', 20, [server(100, 3)]), scrapeAt('w2', 0, [server(100, 1)], { scrapedAt: 30 })];
    const c = collectSeries(scrapes);
    expect(c.containers[0]?.node).toBe('w1');
    expect(c.notes).toEqual(['container(s) seen on more than one node (latest node used): bench/server-0/server']);
    // And the other way round: last seen on w2.
    const load = (cpu: number): ContainerAt => ({ ns: 'bench', pod: 'load-0', name: 'load', memory: 1, cpu });
    const back = collectSeries([scrapeAt('w1', 0, [server(100, 1), load(1)]), scrapeAt('w2', 10, [server(100, 2), load(2)])]);
    expect(back.containers.map((x) => x.node)).toEqual(['w2', 'w2']);
    expect(back.notes).toEqual(['container(s) seen on more than one node (latest node used): bench/load-0/load, bench/server-0/server']);
  });

  it('uses the later of a container’s memory and CPU timestamps to decide its node', () => {
    // On w1 the CPU reading is the newer one (15 s > memory's 5 s); on w2 both are at 10 s.
    const w1 = scrapeAt('w1', 5, [server(100, null)]);
    const cpuLater = scrapeAt('w1', 15, [server(null, 2)]);
    const w2 = scrapeAt('w2', 10, [server(100, 1)]);
    expect(collectSeries([w1, cpuLater, w2]).containers[0]?.node).toBe('w1');
    const memoryLater = scrapeAt('w1', 15, [server(100, null)]);
    const cpuEarlier = scrapeAt('w1', 5, [server(null, 2)]);
    expect(collectSeries([cpuEarlier, memoryLater, w2]).containers[0]?.node).toBe('w1');
  });

  it('lists containers by key and nodes by name whatever order the scrapes came in', () => {
    // 120 containers first seen in a scrambled order, one per scrape, on nodes also seen out of order.
    const keys = Array.from({ length: 120 }, (_, i) => (i * 77) % 120);
    const scrapes = keys.map((k, i) =>
      scrapeAt(`node-${String((i * 7) % 10)}`, i, [{ ns: 'bench', pod: `p${String(k).padStart(3, '0')}`, name: 'server', memory: 1, cpu: 1 }]),
    );
    const c = collectSeries(scrapes);
    const sorted = Array.from({ length: 120 }, (_, k) => `bench/p${String(k).padStart(3, '0')}/server`);
    expect(c.containers.map((x) => x.key)).toEqual(sorted);
    expect(c.nodes.map((n) => n.node)).toEqual(Array.from({ length: 10 }, (_, i) => `node-${i}`));
  });

  it('counts scrapes that reported a kubelet error, and prefixes each scrape’s notes with its node, sorted', () => {
    const scrapes = [
      scrapeAt('w2', 0, [server(1, 1)], { scrapeError: true, notes: ['z: something odd'] }),
      scrapeAt('w1', 0, [], { scrapeError: null, notes: ['a: something else'] }),
      scrapeAt('w1', 10, [], { scrapeError: false, notes: ['a: something else'] }),
    ];
    const c = collectSeries(scrapes);
    expect(c.scrapes).toBe(3);
    expect(c.scrapeErrors).toBe(1);
    expect(c.notes).toEqual(['w1: a: something else', 'w2: z: something odd', '1 of 3 scrape(s) reported a kubelet resource scrape error']);
  });

  it('notes scrape-time stamps per node in node order, counter resets (containers and nodes) and conflicting repeats', () => {
    const noStamp = (node: string, t: number, value: number) => {
      const s = scrapeAt(node, t, [{ ns: 'bench', pod: `server-${node}`, name: 'server', memory: value, cpu: value }]);
      for (const c of s.containers) {
        if (c.memoryWorkingSetBytes) c.memoryWorkingSetBytes.timestampFromScrape = true;
        if (c.cpuUsageCoreSeconds) c.cpuUsageCoreSeconds.timestampFromScrape = true;
      }
      return s;
    };
    const stamps = collectSeries([noStamp('w2', 0, 1), noStamp('w1', 0, 1)]);
    expect(stamps.notes).toEqual([
      '2 sample(s) from w1 had no kubelet timestamp: the scrape time was used, and unchanged repeated values were treated as one cached reading',
      '2 sample(s) from w2 had no kubelet timestamp: the scrape time was used, and unchanged repeated values were treated as one cached reading',
    ]);

    const resets = collectSeries([
      scrapeAt('w1', 0, [server(1, 50), { ns: 'bench', pod: 'load-0', name: 'load', memory: 1, cpu: 9 }], { nodeCpu: 100 }),
      scrapeAt('w1', 10, [server(1, 2), { ns: 'bench', pod: 'load-0', name: 'load', memory: 1, cpu: 1 }], { nodeCpu: 3 }),
    ]);
    expect(resets.notes).toEqual([
      'CPU counter reset (container restarted): the interval across each reset was left out of the CPU rates: bench/load-0/load (1), bench/server-0/server (1), node w1 (1)',
    ]);
    expect(resets.nodes[0]?.cpuRates).toEqual({ intervals: [], resets: 1 });

    // The same kubelet timestamp with another value, once for memory and once for CPU.
    const conflicts = collectSeries([scrapeAt('w1', 0, [server(100, 1)]), scrapeAt('w1', 0, [server(999, 7)], { scrapedAt: 5 })]);
    expect(conflicts.notes).toEqual(['2 sample(s) repeated a timestamp with a different value; the first read was kept']);
    expect(conflicts.containers[0]?.memory.map((p) => p.value)).toEqual([100]);
  });

});
