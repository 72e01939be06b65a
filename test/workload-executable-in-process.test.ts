import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runWorkloadProcess, type WorkloadProcess } from '../src/workload/workload-process.js';

/** A stand-in for node's `process`: records what the executable writes, the exit it asks for and its signal handlers. */
class FakeProcess implements WorkloadProcess {
  readonly out: string[] = [];
  readonly err: string[] = [];
  readonly exits: number[] = [];
  readonly handlers = new Map<string, () => void>();
  readonly pid = 4242;
  readonly stdout = { write: (text: string): boolean => this.out.push(text) > 0 };
  readonly stderr = { write: (text: string): boolean => this.err.push(text) > 0 };
  private exited: (code: number) => void = () => {};
  readonly exit$ = new Promise<number>((resolve) => (this.exited = resolve));
  constructor(
    readonly argv: readonly string[],
    readonly env: Record<string, string | undefined> = {},
  ) {}
  exit(code: number): void {
    this.exits.push(code);
    this.exited(code);
  }
  once(signal: 'SIGTERM' | 'SIGINT', listener: () => void): this {
    if (this.handlers.has(signal)) throw new Error(`${signal} handler registered twice`);
    this.handlers.set(signal, listener);
    return this;
  }
}

interface Listening {
  event: string;
  url: string;
  port: number;
  pid: number;
}

const script = ['/usr/bin/node', '/app/dist/src/workload/main.js'];

describe('the workload executable, run in this process', () => {
  const running: FakeProcess[] = [];
  afterEach(async () => {
    for (const proc of running.splice(0)) {
      const stop = proc.handlers.get('SIGTERM');
      if (stop !== undefined && proc.exits.length === 0) {
        stop();
        await proc.exit$;
      }
    }
  });

  async function start(argv: string[], env: Record<string, string> = {}): Promise<{ proc: FakeProcess; listening: Listening }> {
    const proc = new FakeProcess([...script, ...argv], env);
    running.push(proc);
    await runWorkloadProcess(proc);
    expect(proc.err).toEqual([]);
    expect(proc.out).toHaveLength(1);
    expect(proc.out[0]!.endsWith('\n')).toBe(true);
    return { proc, listening: JSON.parse(proc.out[0]!) as Listening };
  }

  it('reads the flags after the script name and the environment, and prints one listening line with its pid', async () => {
    const { listening } = await start(['--response-bytes', '7'], { HOP_NAME: 'from-env' });
    expect(listening).toMatchObject({ event: 'listening', pid: 4242 });
    expect(listening.url).toBe(`http://127.0.0.1:${listening.port}`);
    const res = await fetch(`${listening.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-bench-hop')).toBe('from-env');
    expect((await res.arrayBuffer()).byteLength).toBe(7);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('closes the server and exits 0 on %s', async (signal) => {
    const { proc, listening } = await start([]);
    expect([...proc.handlers.keys()].sort()).toEqual(['SIGINT', 'SIGTERM']);
    proc.handlers.get(signal)!();
    expect(await proc.exit$).toBe(0);
    await expect(fetch(`${listening.url}/`)).rejects.toThrow();
  });

  it('exits 2 with one line on stderr for a bad flag, printing nothing on stdout', async () => {
    const proc = new FakeProcess([...script, '--close-every', 'x']);
    await runWorkloadProcess(proc);
    expect(proc.exits).toEqual([2]);
    expect(proc.err).toEqual(['workload: --close-every: must be a non-negative integer, got "x"\n']);
    expect(proc.out).toEqual([]);
    expect(proc.handlers.size).toBe(0);
  });

  it('exits 1 saying it cannot listen when the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const address = taken.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    try {
      const proc = new FakeProcess([...script, '--port', String(address.port)]);
      await runWorkloadProcess(proc);
      expect(proc.exits).toEqual([1]);
      expect(proc.err).toEqual([`workload: cannot listen: listen EADDRINUSE: address already in use 127.0.0.1:${address.port}\n`]);
      expect(proc.out).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it('prints its usage for --help and neither listens nor exits', async () => {
    const proc = new FakeProcess([...script, '--help']);
    await runWorkloadProcess(proc);
    expect(proc.out).toHaveLength(1);
    expect(proc.out[0]).toMatch(/^usage: node dist\/src\/workload\/main\.js \[flags\][^]*--help\n$/);
    expect(proc.exits).toEqual([]);
    expect(proc.handlers.size).toBe(0);
  });
});
