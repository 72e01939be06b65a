import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startWorkloadServer, type RunningWorkloadServer } from '../src/workload/server.js';
import { stallOpenAt } from '../src/workload/stall.js';

/** Timing bounds on a shared 2-core machine: a neighbour's burst can push one run out, not three. */
const TIMING = { retry: 2 };

/** Resolves with the monotonic instant the response completed. */
function getAt(url: string, agent: Agent): Promise<{ status: number; doneAt: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, doneAt: performance.now() }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function sleepUntil(at: number): Promise<void> {
  const wait = at - performance.now();
  if (wait > 0) await sleep(wait);
}

describe('stall schedule', () => {
  const schedule = { everyMs: 100, forMs: 30, phaseMs: 10 };
  it('opens at the stall end inside a stall and is the identity outside', () => {
    expect(stallOpenAt(schedule, 1000, 1005)).toBe(1005); // before the first stall
    expect(stallOpenAt(schedule, 1000, 1010)).toBe(1040); // first instant of a stall
    expect(stallOpenAt(schedule, 1000, 1039.9)).toBe(1040);
    expect(stallOpenAt(schedule, 1000, 1040)).toBe(1040); // its end is open
    expect(stallOpenAt(schedule, 1000, 1075)).toBe(1075);
    expect(stallOpenAt(schedule, 1000, 1315)).toBe(1340); // k = 3
  });
});

describe('periodic stalls', () => {
  let server: RunningWorkloadServer | undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  afterAll(() => agent.destroy());
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('holds requests arriving during a stall and answers them together at its end; healthz is not held', TIMING, async () => {
    // Stalls at [100, 300) and [500, 700) ms from server start, which is between `before` and t0.
    const before = performance.now();
    server = await startWorkloadServer({ stall: { everyMs: 400, forMs: 200, phaseMs: 100 } });
    const t0 = performance.now();
    await sleepUntil(t0 + 150);
    const sentAt = performance.now();
    const held = Promise.all(Array.from({ length: 10 }, () => getAt(`${server!.url}/`, agent)));
    const health = await getAt(`${server.url}/healthz`, agent);
    expect(health.doneAt - sentAt).toBeLessThan(100);
    const answers = await held;
    const done = answers.map((a) => a.doneAt);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(Math.min(...done)).toBeGreaterThanOrEqual(before + 300);
    expect(Math.max(...done) - Math.min(...done)).toBeLessThan(40);
    // Between stalls: answered at once.
    await sleepUntil(t0 + 360);
    const between = performance.now();
    expect((await getAt(`${server.url}/`, agent)).doneAt - between).toBeLessThan(100);
  });

  it('holds a response that falls due during a stall', async () => {
    // A 100 ms service time on a request sent at once falls due inside the stall [50, 350).
    const before = performance.now();
    server = await startWorkloadServer({ serviceDelayUs: 100_000, stall: { everyMs: 1000, forMs: 300, phaseMs: 50 } });
    const answer = await getAt(`${server.url}/`, agent);
    expect(answer.doneAt).toBeGreaterThanOrEqual(before + 350);
  });

  it('an open-loop client sees a gap in answers as long as the stall', TIMING, async () => {
    server = await startWorkloadServer({ stall: { everyMs: 1000, forMs: 250, phaseMs: 150 } });
    const t0 = performance.now();
    const pending: Promise<{ doneAt: number }>[] = [];
    while (performance.now() < t0 + 550) {
      pending.push(getAt(`${server.url}/`, agent));
      await sleep(5);
    }
    const done = (await Promise.all(pending)).map((a) => a.doneAt).sort((a, b) => a - b);
    let gap = 0;
    for (let i = 1; i < done.length; i++) gap = Math.max(gap, done[i]! - done[i - 1]!);
    expect(gap).toBeGreaterThan(200);
    expect(gap).toBeLessThan(300);
  });
});
