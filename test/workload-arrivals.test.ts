import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ArrivalRecorder } from '../src/workload/arrivals.js';
import { workloadServersClosedAfterEach } from './helpers/workload-server-per-test.js';

interface Arrivals {
  windowMs: number;
  startMs: number;
  counts: number[];
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

async function arrivals(url: string): Promise<Arrivals> {
  const res = await fetch(`${url}/__bench/arrivals`);
  expect(res.status).toBe(200);
  return (await res.json()) as Arrivals;
}

describe('arrival recorder', () => {
  it('keeps the last `capacity` windows and moves startMs with them', () => {
    const recorder = new ArrivalRecorder(0, 10);
    for (let w = 0; w < 25; w++) recorder.record(w * 10 + 5);
    recorder.record(245); // window 24 twice
    const snapshot = recorder.snapshot(249, 1_000_000);
    expect(snapshot.counts).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 2]);
    expect(snapshot.startMs).toBe(1_000_000 + 150);
  });

  it('reports empty windows after a silence, not counts left from an earlier lap', () => {
    const recorder = new ArrivalRecorder(0, 10);
    for (let w = 0; w < 10; w++) recorder.record(w * 10);
    recorder.record(125); // window 12; windows 10, 11 (slots 0, 1) were silent
    // Windows 6…15: slots 3…5 still hold windows 3…5's counts, but windows 13…15 have not happened yet.
    expect(recorder.snapshot(159, 0).counts).toEqual([1, 1, 1, 1, 0, 0, 1, 0, 0, 0]);
    expect(recorder.snapshot(129, 0).counts).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 0, 1]);
  });
});

describe('arrivals endpoint', () => {
  const startServer = workloadServersClosedAfterEach();

  it('counts requests per 10 ms window, not its own or health requests', async () => {
    const before = Date.now();
    const server = await startServer({ recordArrivals: true });
    for (let i = 0; i < 20; i++) await (await fetch(`${server.url}/work`)).arrayBuffer();
    for (let i = 0; i < 3; i++) await (await fetch(`${server.url}/healthz`)).arrayBuffer();
    await arrivals(server.url);
    const result = await arrivals(server.url);
    expect(result.windowMs).toBe(10);
    expect(sum(result.counts)).toBe(20);
    expect(result.startMs).toBeGreaterThanOrEqual(before - 5);
    expect(result.startMs).toBeLessThanOrEqual(Date.now());
    expect(result.counts.length).toBeGreaterThanOrEqual(1);
    expect(result.counts.length).toBeLessThanOrEqual((Date.now() - before) / 10 + 2);
  });

  it('resets on POST and places arrivals in the window they happened', async () => {
    const server = await startServer({ recordArrivals: true });
    await (await fetch(`${server.url}/early`)).arrayBuffer();
    const reset = await fetch(`${server.url}/__bench/arrivals/reset`, { method: 'POST' });
    expect(reset.status).toBe(200);
    const t0 = performance.now();
    await (await fetch(`${server.url}/a`)).arrayBuffer();
    await sleep(100);
    const second = performance.now();
    await (await fetch(`${server.url}/b`)).arrayBuffer();
    const result = await arrivals(server.url);
    expect(sum(result.counts)).toBe(2);
    const hit = result.counts.flatMap((c, i) => (c > 0 ? [i] : []));
    expect(hit).toHaveLength(2);
    // The second arrival lies at least 100 ms (10 windows) after the first.
    expect(hit[1]! - hit[0]!).toBeGreaterThanOrEqual(9);
    expect(hit[1]! - hit[0]!).toBeLessThanOrEqual(Math.ceil((performance.now() - t0) / 10) + 1);
    expect(second).toBeGreaterThan(t0);
  });

  it('rejects a GET on the reset endpoint', async () => {
    const server = await startServer({ recordArrivals: true });
    expect((await fetch(`${server.url}/__bench/arrivals/reset`)).status).toBe(404);
  });
});
