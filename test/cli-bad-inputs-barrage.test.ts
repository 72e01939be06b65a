import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { BENCH, REPO } from './helpers/cli.js';
import { loadTwoSystemFixture } from './helpers/run-result-factory.js';
import { barrageRows, RESULTS, SCENARIOS, type BarrageRow, type Sandbox } from './fixtures/cli/bad-inputs.js';

/**
 * The bad-input barrage (issue 7): 140+ rows across every command, each asserting its exit code, exactly one
 * `ERROR:` line naming the file and field or the flag (or, for a fault, the failure named in words on stdout), no
 * stack trace, nothing created, and a time bound. Rows run through main() in-process; a few spawn the real binary.
 */
const rows = barrageRows();
const servers: Array<Server | HttpServer> = [];
let sandbox: Sandbox;

async function listen(server: Server | HttpServer): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-barrage-'));
  for (const [name, p] of Object.entries(SCENARIOS)) writeFileSync(join(dir, name), p.text);
  for (const [name, p] of Object.entries(RESULTS)) {
    const data = p.edit(structuredClone(loadTwoSystemFixture()));
    writeFileSync(join(dir, name), typeof data === 'string' ? data : JSON.stringify(data, null, 2));
  }
  writeFileSync(join(dir, 'a-file.txt'), 'not a directory');
  writeFileSync(join(dir, 'empty.txt'), '');
  const refused = createTcpServer();
  const refusedPort = await listen(refused);
  await new Promise<void>((r) => refused.close(() => r()));
  servers.splice(servers.indexOf(refused), 1);
  sandbox = {
    dir,
    file: (name) => join(dir, name),
    out: join(dir, 'out-never-created'),
    refusedPort,
    garbagePort: await listen(createTcpServer((socket) => socket.on('data', () => socket.write('220 mail.example ESMTP ready\r\n')))),
    plainPort: await listen(createHttpServer((_req, res) => res.end('plain'))),
    closingPort: await listen(createTcpServer((socket) => socket.on('data', () => socket.end()))),
  };
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  rmSync(sandbox.dir, { recursive: true, force: true });
});

/** Every path under dir, relative to it. */
function tree(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort() : [];
}

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function runInProcess(argv: string[], preAborted: boolean): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const controller = new AbortController();
  if (preAborted) controller.abort('barrage');
  const code = await main(argv, {
    io: { out: (t) => (stdout += t), err: (t) => (stderr += t) },
    cwd: REPO,
    env: {},
    signal: controller.signal,
  });
  return { code, stdout, stderr };
}

function runSpawned(argv: string[], env: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BENCH, ...argv], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function withinTime<T>(p: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name}: no answer within ${ms} ms (a hang)`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

describe('the bad-input barrage', () => {
  it('has 140 rows or more, across every command', () => {
    expect(rows.length).toBeGreaterThanOrEqual(140);
    const commands = new Set(rows.map((r) => r.argv({ ...sandbox })[0]));
    for (const c of ['run', 'plan', 'load', 'report', 'calibrate', 'doctor', 'down', 'serve']) expect(commands).toContain(c);
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
  });

  it.each(rows.map((r) => [r.name, r] as const))('%s', async (name, row: BarrageRow) => {
    const argv = row.argv(sandbox);
    const before = tree(sandbox.dir);
    const resultsBefore = tree(join(REPO, 'results')).length;
    const started = performance.now();
    const maxMs = row.maxMs ?? 10_000;
    const r = await withinTime(row.spawn ? runSpawned(argv, row.spawn.env) : runInProcess(argv, Boolean(row.preAborted)), maxMs, name);
    const elapsed = performance.now() - started;

    expect({ code: r.code, stderr: r.stderr.slice(0, 600) }).toMatchObject({ code: row.exit });
    const all = `${r.stdout}\n${r.stderr}`;
    expect(all).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/); // no stack trace
    expect(all).not.toMatch(/internal error/);
    const errorLines = r.stderr.split('\n').filter((l) => l.startsWith('ERROR:'));
    const says = row.lineFor ? row.lineFor(sandbox) : row.says;
    if (row.exit === 2 || row.exit === 3) {
      expect(errorLines, r.stderr).toHaveLength(1);
      expect(errorLines[0]).toMatch(says);
    } else {
      expect(errorLines).toEqual([]);
      expect(r.stdout).toMatch(says);
    }
    if (row.never) expect(all).not.toContain(row.never);
    // Nothing created: not in the sandbox (where every --out points), not under the checkout's results/.
    expect(tree(sandbox.dir).filter((p) => !before.includes(p))).toEqual([]);
    expect(tree(join(REPO, 'results')).length).toBe(resultsBefore);
    expect(elapsed).toBeLessThan(maxMs);
  }, 20_000);
});
