import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { CommandError } from '../src/core/errors.js';
import { startLocalChain, workloadMainPath } from '../src/workload/local-servers.js';
import { isAlive } from './helpers/test-processes.js';

function get(url: string): Promise<{ status: number; hop: unknown; bytes: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = request(url, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, hop: res.headers['x-bench-hop'], bytes, ms: performance.now() - start }));
    });
    req.on('error', reject);
    req.end();
  });
}


async function waitDead(pid: number, ms = 5000): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (isAlive(pid) && performance.now() < deadline) await sleep(20);
  return !isAlive(pid);
}

beforeAll(() => {
  if (!existsSync(workloadMainPath())) throw new Error(`${workloadMainPath()} is missing: run \`npm run build\` first`);
});

describe('the workload executable', () => {
  it('prints exactly one listening line and exits 0 on SIGTERM', async () => {
    const child = execa(process.execPath, [workloadMainPath(), '--port', '0', '--response-bytes', '3'], { reject: false });
    const line = await new Promise<string>((resolve) => {
      let text = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (c: string) => {
        text += c;
        if (text.includes('\n')) resolve(text);
      });
    });
    const event = JSON.parse(line) as { event: string; url: string; port: number; pid: number };
    expect(event).toEqual({ event: 'listening', url: `http://127.0.0.1:${event.port}`, port: event.port, pid: child.pid });
    expect((await get(`${event.url}/`)).bytes).toBe(3);
    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 with one line on stderr for a bad flag', async () => {
    const result = await execa(process.execPath, [workloadMainPath(), '--service-delay-us', 'soon'], { reject: false });
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual(['workload: --service-delay-us: must be a non-negative integer, got "soon"']);
  });
});

describe('a local chain of servers', () => {
  it('chains hops in order, answers through all of them, and stops them all', async () => {
    const chain = await startLocalChain({ hops: 3, responseBytes: 50, serviceDelayUs: 1000 });
    try {
      expect(chain.hops.map((h) => h.name)).toEqual(['hop-1', 'hop-2', 'hop-3']);
      expect(chain.url).toBe(chain.hops[0]!.url);
      expect(new Set(chain.hops.map((h) => h.pid)).size).toBe(3);
      const answer = await get(`${chain.url}/`);
      expect(answer).toMatchObject({ status: 200, hop: 'hop-1', bytes: 50 });
      expect(answer.ms).toBeGreaterThanOrEqual(3); // 1 ms at each of three hops
      for (const hop of chain.hops) expect((await get(`${hop.url}/healthz`)).status).toBe(200);
    } finally {
      await chain.stop();
    }
    for (const hop of chain.hops) expect(isAlive(hop.pid)).toBe(false);
    expect(await chain.exited).toEqual({ kind: 'stopped' });
  });

  it('stops the other hops when one dies', async () => {
    const chain = await startLocalChain({ hops: 2, responseBytes: 0, serviceDelayUs: 0 });
    try {
      process.kill(chain.hops[1]!.pid, 'SIGKILL');
      const exit = await chain.exited;
      expect(exit).toMatchObject({ kind: 'crashed', hop: 'hop-2', signal: 'SIGKILL' });
      expect(await waitDead(chain.hops[0]!.pid)).toBe(true);
    } finally {
      await chain.stop();
    }
  });

  it("fails with the hop's stderr when a hop cannot start", async () => {
    const error = await startLocalChain({ hops: 1, responseBytes: 0, serviceDelayUs: 0, extraFlags: ['--close-every', 'x'] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CommandError);
    expect((error as Error).message).toMatch(/hop-1 exited \(code 2\) before listening; stderr: workload: --close-every: must be/);
  });

  it('fails clearly when a hop does not report listening in time', async () => {
    const error = await startLocalChain({ hops: 2, responseBytes: 0, serviceDelayUs: 0, startTimeoutMs: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as Error).message).toMatch(/hop-2 did not report listening within 1 ms/);
  });

  it("ignores the harness's own workload environment variables", async () => {
    const saved = { NEXT_HOP: process.env.NEXT_HOP, RESPONSE_BYTES: process.env.RESPONSE_BYTES };
    process.env.NEXT_HOP = 'http://127.0.0.1:1';
    process.env.RESPONSE_BYTES = 'not-a-number';
    try {
      const chain = await startLocalChain({ hops: 1, responseBytes: 9, serviceDelayUs: 0 });
      try {
        expect(await get(`${chain.url}/`)).toMatchObject({ status: 200, bytes: 9 });
      } finally {
        await chain.stop();
      }
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it('stops when its abort signal fires', async () => {
    const controller = new AbortController();
    const chain = await startLocalChain({ hops: 2, responseBytes: 0, serviceDelayUs: 0, signal: controller.signal });
    controller.abort();
    expect(await chain.exited).toEqual({ kind: 'stopped' });
    for (const hop of chain.hops) expect(isAlive(hop.pid)).toBe(false);
  });

  it('gives up on a start that is aborted', async () => {
    const early = new AbortController();
    const starting = startLocalChain({ hops: 3, responseBytes: 0, serviceDelayUs: 0, signal: early.signal });
    early.abort(new Error('cancelled at once'));
    await expect(starting).rejects.toThrow('cancelled at once');
    // Aborted while a hop is starting (after the first hop's process exists).
    const late = new AbortController();
    const pending = startLocalChain({ hops: 3, responseBytes: 0, serviceDelayUs: 0, signal: late.signal });
    await sleep(30);
    late.abort(new Error('cancelled while starting'));
    await expect(pending).rejects.toThrow('cancelled while starting');
  });
});
