import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runResultSchema } from '../src/core/result-schema.js';
import { bench } from './helpers/cli.js';

/**
 * Opt-in end to end: `BENCH_E2E=1 npx vitest run test/e2e-kind-baseline.test.ts` on a Linux machine with a Docker
 * engine, kind, kubectl (see .github/scripts/install-tools.sh). Creates and deletes a real kind cluster.
 */
const enabled = process.env.BENCH_E2E === '1';
if (!enabled) {
  process.stdout.write('e2e: skipped — set BENCH_E2E=1 on a machine with a Docker engine, kind and kubectl to run the baseline on a real kind cluster\n');
}

describe.skipIf(!enabled)('baseline on a real kind cluster (BENCH_E2E=1)', () => {
  it(
    'runs the smoke scenario end to end, scrapes the kubelets, and deletes its cluster',
    async () => {
      const out = mkdtempSync(join(tmpdir(), 'bench-e2e-'));
      try {
        const r = await bench(['run', '--mesh', 'baseline', '--scenario', 'scenarios/smoke.yaml', '--out', out]);
        expect(r.stderr).not.toMatch(/^ERROR/m);
        expect(r.code).toBe(0);
        const [dir] = readdirSync(out);
        const result = runResultSchema.parse(JSON.parse(readFileSync(join(out, dir!, 'results.json'), 'utf8')));
        const sys = result.systems[0]!;
        expect(sys).toMatchObject({ id: 'baseline', target: 'kind', status: 'completed' });
        expect(sys.versions.kubernetes).toMatch(/^v1\.36\./);
        for (const step of sys.steps) {
          expect(step.aggregate.validRepetitions).toBe(result.scenario.repetitions);
          expect(step.repetitions.every((rep) => rep.resources !== null && rep.resources.roles.workload.containers > 0)).toBe(true);
        }
        expect(execFileSync('kind', ['get', 'clusters'], { encoding: 'utf8' })).not.toMatch(/^bench-baseline$/m);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
    30 * 60_000,
  );
});
