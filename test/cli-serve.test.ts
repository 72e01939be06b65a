import { get } from 'node:http';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { bench, BENCH } from './helpers/cli.js';
import { spawn } from 'node:child_process';

function capture(): { io: { out(t: string): void; err(t: string): void }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { io: { out: (t) => (out += t), err: (t) => (err += t) }, out: () => out, err: () => err };
}

function getBody(url: string): Promise<{ status: number; body: string; hop: string | undefined }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, hop: res.headers['x-bench-hop'] as string | undefined }));
    }).on('error', reject);
  });
}

async function until(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('bench serve', () => {
  it('serves the workload with the container flags until interrupted, then exits 0', async () => {
    const c = capture();
    const controller = new AbortController();
    const done = main(['serve', '--port', '0', '--response-bytes', '7', '--name', 'served'], { io: c.io, cwd: process.cwd(), env: {}, signal: controller.signal });
    await until(() => c.out().includes('"listening"'), 5000);
    const line = JSON.parse(c.out().trim().split('\n')[0]!) as { url: string; port: number };
    expect(line.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await getBody(`${line.url}/anything`);
    expect({ status: r.status, bytes: r.body.length, hop: r.hop }).toEqual({ status: 200, bytes: 7, hop: 'served' });
    expect(c.err()).toContain(`serving on ${line.url}/`);
    controller.abort('SIGINT');
    expect(await done).toBe(0);
    await expect(getBody(`${line.url}/`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('refuses a response size above the server limit with exit 2 naming the flag', async () => {
    const c = capture();
    const code = await main(['serve', '--response-bytes', '70000000'], { io: c.io, cwd: process.cwd(), env: {}, signal: new AbortController().signal });
    expect(code).toBe(2);
    expect(c.err()).toBe('ERROR: --response-bytes: must be an integer from 0 to 67108864, got 70000000\n');
  });

  it('prints its flags with --help', async () => {
    const c = capture();
    expect(await main(['serve', '--help'], { io: c.io, cwd: process.cwd(), env: {}, signal: new AbortController().signal })).toBe(0);
    expect(c.out()).toMatch(/^usage: bench serve \[flags\]/);
    expect(c.out()).toContain('--response-bytes');
  });

  it('runs the README example as written: bench serve, then bench load against it', async () => {
    const server = spawn(process.execPath, [BENCH, 'serve', '--port', '0', '--response-bytes', '1024'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      server.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await until(() => out.includes('"listening"'), 10_000);
      const { url } = JSON.parse(out.split('\n')[0]!) as { url: string };
      const r = await bench(['load', `${url}/`, '--rate', '200', '--duration', '1s', '--warmup', '0.2s']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/status: VALID/);
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('close', r));
    }
    expect(server.exitCode).toBe(0);
  }, 30_000);
});
