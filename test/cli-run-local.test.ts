import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runResultSchema } from '../src/core/result-schema.js';
import { bench, type CliResult } from './helpers/cli.js';
import { newTestMarker, processesWithMarker } from './helpers/test-processes.js';

const out = mkdtempSync(join(tmpdir(), 'bench-cli-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const runDirs = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);

/** Processes this bench run started (its workload servers) that are still alive: none of anyone else's. */
const leftovers = (r: CliResult): string[] => processesWithMarker(r.marker).map((p) => `${p.pid} ${p.args}`);

describe('bench run --target local', () => {
  let dir = '';

  it('writes results.json and report.md for the baseline', async () => {
    const r = await bench(['run', '--target', 'local', '--mesh', 'baseline', '--scenario', 'test/fixtures/cli/quick.yaml', '--out', out]);
    expect(r.stderr).not.toMatch(/ERROR/);
    expect(r.code).toBe(0);
    const dirs = runDirs(out);
    expect(dirs).toHaveLength(1);
    dir = join(out, dirs[0]!);
    expect(dirs[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ-quick$/);
    const result = runResultSchema.parse(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')));
    expect(result.status).toBe('completed');
    expect(result.systems[0]!.steps.map((s) => s.repetitions.length)).toEqual([2, 2]);
    expect(result.systems[0]!.steps[0]!.aggregate.validRepetitions).toBe(2);
    expect(result.environment.tools.autocannon).toBe('9.0.0');
    const report = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(report).toContain('# ');
    // The charts the report embeds are on disk beside it.
    const images = [...report.matchAll(/!\[(?:\\.|[^\]\\])*\]\((charts\/[^)]+\.svg)\)/g)].map((m) => m[1] ?? '');
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(readFileSync(join(dir, image), 'utf8')).toMatch(/^<svg /);
    expect(leftovers(r)).toEqual([]);
  });

  it('re-renders report.md byte for byte with bench report', async () => {
    const original = readFileSync(join(dir, 'report.md'), 'utf8');
    const printed = await bench(['report', join(dir, 'results.json'), '--stdout']);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toBe(original);
    writeFileSync(join(dir, 'report.md'), 'stale');
    const rewritten = await bench(['report', join(dir, 'results.json')]);
    expect(rewritten.code).toBe(0);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toBe(original);
  });

  it('exits 2 on a bad scenario with one line per problem naming file and field, and creates nothing', async () => {
    const bad = join(out, 'bad.yaml');
    writeFileSync(bad, 'name: bad\nsteps:\n  - mode: rate\n    rate: -5\n  - mode: connections\n');
    const target = join(out, 'never');
    const r = await bench(['run', '--target', 'local', '--mesh', 'baseline', '--scenario', bad, '--out', target]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const l of lines) expect(l).toMatch(new RegExp(`^ERROR: ${bad.replace(/[.]/g, '\\.')}: steps\\[\\d\\]`));
    expect(existsSync(target)).toBe(false);
  });

  it('exits 2 when a mesh is asked for on the local target', async () => {
    const target = join(out, 'never2');
    const r = await bench(['run', '--target', 'local', '--mesh', 'istio', '--scenario', 'test/fixtures/cli/quick.yaml', '--out', target]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ERROR: --mesh: istio cannot run with --target local/m);
    expect(existsSync(target)).toBe(false);
  });

  it('on SIGINT stops the servers, keeps completed repetitions and exits 130', async () => {
    const target = join(out, 'interrupted');
    let sent = false;
    const marker = newTestMarker();
    let running: string[] = [];
    const r = await bench(['run', '--target', 'local', '--mesh', 'baseline', '--scenario', 'test/fixtures/cli/slow.yaml', '--out', target], {
      marker,
      onStderr: (text, child) => {
        if (!sent && text.includes('repetition 1/3: ')) {
          sent = true;
          // The check below sees the run's own servers while they run, so "none left" is not a blind spot.
          running = processesWithMarker(marker).map((p) => p.args);
          setTimeout(() => child.kill('SIGINT'), 300);
        }
      },
    });
    expect(sent).toBe(true);
    expect(running.some((args) => args.includes('workload/main.js'))).toBe(true);
    expect(r.code).toBe(130);
    const [d] = runDirs(target);
    const result = runResultSchema.parse(JSON.parse(readFileSync(join(target, d!, 'results.json'), 'utf8')));
    expect(result.status).toBe('interrupted');
    expect(result.systems[0]!.steps[0]!.repetitions.map((x) => x.repetition)).toEqual([1]);
    expect(leftovers(r)).toEqual([]);
  });
});
