import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRunSchema } from '../src/core/result-schema.js';
import type { LocalChain } from '../src/workload/local-servers.js';
import { bench } from './helpers/cli.js';
import { closedLoopbackPort } from './helpers/ports.js';
import { server } from './helpers/loopback.js';

describe('bench load <url>', () => {
  let chain: LocalChain;
  beforeAll(async () => {
    chain = await server();
  });
  afterAll(async () => {
    await chain.stop();
  });

  it('prints the step in the results schema with --json', async () => {
    const r = await bench(['load', chain.url, '--rate', '200', '--duration', '1s', '--warmup', '0.2s', '--json']);
    expect(r.code).toBe(0);
    const run = loadRunSchema.parse(JSON.parse(r.stdout));
    expect(run.mode).toBe('rate');
    expect(run.counts.sent).toBe(200);
    expect(run.latency.intended).not.toBeNull();
  });

  it('prints a readable table otherwise', async () => {
    const r = await bench(['load', chain.url, '--connections', '2', '--duration', '0.5s', '--warmup', '0s']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/from actual send\s+\d/);
    expect(r.stdout).toMatch(/Little's law: mean/);
    expect(r.stdout).toMatch(/status: VALID/);
  });

  it('exits 1 and says why when the step is invalid', async () => {
    const r = await bench(['load', `http://127.0.0.1:${await closedLoopbackPort()}/`, '--rate', '50', '--duration', '0.5s', '--warmup', '0s', '--timeout', '500ms']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/invalid: /);
  });

  it('exits 2 naming the flag when a flag is bad', async () => {
    const r = await bench(['load', chain.url, '--rate', '-5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ERROR: --rate: /m);
    const none = await bench(['load', chain.url]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/ERROR: --connections: required/);
  });

  it('exits 2 on a URL it cannot use', async () => {
    const r = await bench(['load', 'ftp://example/', '--connections', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/only http:\/\/ and https:\/\/ URLs/);
  });
});
