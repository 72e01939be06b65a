import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runResultSchema, type RunResult } from '../src/core/result-schema.js';
import { BENCH, REPO } from './helpers/cli.js';
import { markedEnv, newTestMarker, processesWithMarker } from './helpers/test-processes.js';

/**
 * Faults during a real `bench run --target local` (real workload server processes on loopback): the workload server
 * killed mid-step, SIGHUP, a closed stdout or stderr, and a SIGKILLed harness.
 */
const out = mkdtempSync(join(tmpdir(), 'bench-faults-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  marker: string;
  stderr: () => string;
  /** Resolves with the exit code (null when killed by a signal) once the process has exited. */
  done: Promise<number | null>;
  /** Resolves once stderr contains `text`. */
  waitFor(text: string): Promise<void>;
}

function start(args: string[]): Started {
  const marker = newTestMarker();
  const child = spawn(process.execPath, [BENCH, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: markedEnv(marker) });
  let stderr = '';
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of waiters.filter((x) => stderr.includes(x.text))) w.resolve();
  });
  child.stdout!.resume();
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    marker,
    stderr: () => stderr,
    done,
    waitFor: (text) =>
      new Promise<void>((resolve) => {
        if (stderr.includes(text)) resolve();
        else waiters.push({ text, resolve });
      }),
  };
}

const runArgs = (target: string, scenario = 'test/fixtures/cli/slow.yaml'): string[] =>
  ['run', '--target', 'local', '--mesh', 'baseline', '--scenario', scenario, '--out', target];

function resultIn(target: string): RunResult {
  const dirs = existsSync(target) ? readdirSync(target) : [];
  expect(dirs).toHaveLength(1);
  return runResultSchema.parse(JSON.parse(readFileSync(join(target, dirs[0]!, 'results.json'), 'utf8')));
}

/** The workload servers a bench process started: marked processes other than the bench process itself. */
const servers = (s: Started): number[] => processesWithMarker(s.marker).map((p) => p.pid).filter((pid) => pid !== s.child.pid);

async function until(check: () => boolean, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > timeoutMs) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - t0;
}

describe('a local run whose workload server dies', () => {
  it('marks the repetition during which it died invalid with the reason, fails the system with its exit and stderr, and exits 4 within a second', async () => {
    const target = join(out, 'killed-server');
    const s = start(runArgs(target));
    await s.waitFor('repetition 1/3: ');
    await s.waitFor('repetition 2/3 …');
    const [server] = servers(s);
    expect(server).toBeDefined();
    // What the server printed on stderr before dying must reach the failure. SIGUSR1 makes Node start its inspector,
    // which says so on stderr ("Debugger listening on ws://127.0.0.1:…", or that it failed to): then kill it.
    process.kill(server!, 'SIGUSR1');
    await new Promise((r) => setTimeout(r, 400));
    const killedAt = Date.now();
    process.kill(server!, 'SIGKILL');
    const code = await s.done;
    expect(Date.now() - killedAt).toBeLessThan(1500);
    expect(code).toBe(4);
    const result = resultIn(target);
    expect(result.status).toBe('failed');
    const sys = result.systems[0]!;
    expect(sys.status).toBe('failed');
    expect(sys.failure!.message).toMatch(new RegExp(`workload process hop-1 \\(pid ${server}\\) exited during the step, signal SIGKILL`));
    expect(sys.failure!.output).toMatch(/inspector|Debugger listening/i);
    const reps = sys.steps[0]!.repetitions;
    expect(reps.map((r) => [r.repetition, r.status])).toEqual([
      [1, 'valid'],
      [2, 'invalid'],
    ]);
    expect(reps[1]!.invalidReasons).toContain(`target not intact: workload process hop-1 (pid ${server}) exited during the step (signal SIGKILL)`);
    expect(sys.steps[0]!.aggregate.validRepetitions).toBe(1);
    expect(processesWithMarker(s.marker)).toEqual([]);
  });
});

describe('interruptions keep completed repetitions', () => {
  for (const signal of ['SIGHUP', 'SIGTERM'] as const) {
    it(`on ${signal} keeps the completed repetitions, stops the servers and exits 130`, async () => {
      const target = join(out, signal);
      const s = start(runArgs(target));
      await s.waitFor('repetition 1/3: ');
      await new Promise((r) => setTimeout(r, 300));
      s.child.kill(signal);
      expect(await s.done).toBe(130);
      expect(s.stderr()).toContain(`${signal}: stopping`);
      const result = resultIn(target);
      expect(result.status).toBe('interrupted');
      // Valid or not (a loaded machine may miss the rate), the first repetition was finished and is kept.
      expect(result.systems[0]!.steps[0]!.repetitions.map((x) => x.repetition)).toEqual([1]);
      expect(processesWithMarker(s.marker)).toEqual([]);
    });
  }

  it('when stderr is closed mid-run keeps the completed repetitions, stops the servers and exits 130', async () => {
    const target = join(out, 'closed-stderr');
    const s = start(runArgs(target));
    await s.waitFor('repetition 1/3: ');
    s.child.stderr!.destroy();
    expect(await s.done).toBe(130);
    const result = resultIn(target);
    expect(result.status).toBe('interrupted');
    expect(result.systems[0]!.steps[0]!.repetitions.map((x) => x.repetition)).toEqual([1]);
    expect(processesWithMarker(s.marker)).toEqual([]);
  });

  it('when stdout is closed from the start still completes, writes every repetition and leaves no process', async () => {
    const target = join(out, 'closed-stdout');
    const s = start(runArgs(target, 'test/fixtures/cli/quick.yaml'));
    s.child.stdout!.destroy();
    expect(await s.done).toBe(0);
    const result = resultIn(target);
    expect(result.status).toBe('completed');
    expect(result.systems[0]!.steps.map((x) => x.repetitions.length)).toEqual([2, 2]);
    expect(processesWithMarker(s.marker)).toEqual([]);
  });

  it('when the harness is SIGKILLed its workload servers exit within 2 seconds, and the repetitions already measured are on disk', async () => {
    const target = join(out, 'sigkill');
    const s = start(runArgs(target));
    await s.waitFor('repetition 2/3 …');
    const started = servers(s);
    expect(started.length).toBe(1);
    s.child.kill('SIGKILL');
    await s.done;
    const waited = await until(() => processesWithMarker(s.marker).length === 0, 5000);
    expect(processesWithMarker(s.marker)).toEqual([]);
    expect(waited).toBeLessThan(2000);
    // Written after repetition 1, before repetition 2 began: a run that never finished says so.
    const result = resultIn(target);
    expect(result.status).toBe('interrupted');
    expect(result.systems[0]!.steps[0]!.repetitions.map((x) => x.repetition)).toEqual([1]);
  });
});
