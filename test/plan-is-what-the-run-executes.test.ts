import { describe, expect, it } from 'vitest';
import { ExitCode } from '../src/core/errors.js';
import type { MeshAdapter } from '../src/mesh/mesh-adapter.js';
import { MESH_ADAPTERS } from '../src/mesh/registry.js';
import { ClusterPlatform } from '../src/platform/cluster-platform.js';
import { installsPlan } from '../src/platform/cluster-plan.js';
import { downloadArgv } from '../src/platform/execute-operations.js';
import type { Operation } from '../src/platform/operations.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { clusterRunFixture, TWO_STEP_SCENARIO } from './helpers/cluster-run.js';
import { gatewayApiReferenceFiles } from './helpers/fake-tools.js';
import { referenceFiles } from './helpers/reference.js';
import { kubeletsReportingEveryPod, withSpreadScheduler } from './helpers/scale-cluster.js';
import { readFileSync } from 'node:fs';

/**
 * The oracle for `bench plan`: run the kind pipeline for each system against the recording fakes and check that what
 * it executed is exactly the plan — the same operations, in the same order, each with the same commands, objects and
 * execs — so the plan a user reviews cannot drift from what a run does.
 *
 * What the plan cannot know is left out of the comparison, by operation: the preflight before the first operation
 * (doctor's checks), the objects a `run-apply`/`apply-url` prints (known only at run time), and the API calls that
 * polls and checks make. The checks' verdicts are forced to pass here (verify() and the traffic evidence have their
 * own tests), so every system runs to the end, teardown included.
 */
function passingChecks(adapter: MeshAdapter): MeshAdapter {
  const wrapped = Object.create(adapter) as MeshAdapter & Record<string, unknown>;
  wrapped.verify = async () => ({ ok: true, evidence: ['forced by the plan oracle'] });
  wrapped.installedVersions = async () => ({});
  if (adapter.evidence) wrapped.evidence = { ...adapter.evidence, read: undefined, judge: () => ({ ok: true, seen: 'forced by the plan oracle' }) };
  return wrapped;
}

/** The transcript lines one operation must produce, in order (null: the plan cannot know them; not compared). */
function observable(op: Operation): string[] | null {
  switch (op.op) {
    case 'run':
      return [`$ ${op.argv.join(' ')}${op.stdin !== undefined ? ' <stdin>' : ''}`];
    case 'run-apply':
      return [`$ ${op.argv.join(' ')}`];
    case 'apply-url':
      return [`$ ${downloadArgv(op.url).join(' ')}`];
    case 'apply':
      return op.objects.map((o) => `api apply ${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`);
    case 'exec':
      return [`exec ${op.namespace} -c ${op.container} -- ${op.argv.join(' ')}`];
    case 'write-file':
    case 'note':
      return [];
    default:
      return null;
  }
}

/** Transcript lines that are commands, applies and execs (the pod name of an exec is the run's; the plan names the Deployment). */
function comparable(line: string): string | null {
  if (line.startsWith('$ ') || line.startsWith('api apply ')) return line;
  const exec = /^api exec ([^/]+)\/\S+ (-c .*)$/.exec(line);
  return exec ? `exec ${exec[1]} ${exec[2]}` : null;
}

/**
 * Runs `adapter` through the kind pipeline on the recording fakes with `scenarioText`, and checks the transcript
 * against the plan (installsPlan: every install in full), operation by operation.
 */
async function expectPlanIsRun(adapter: MeshAdapter, scenarioText: string, setup: (f: ReturnType<typeof clusterRunFixture>) => void = () => {}): Promise<void> {
  const f = clusterRunFixture();
  setup(f);
  f.options.adapters = new Map([[adapter.id, passingChecks(adapter)]]);
  // One timeline: each operation's start and end marked among the commands and API calls it makes.
  const { stepStart, stepEnd } = f.logger;
  f.logger.stepStart = (t) => {
    f.transcript.push(`# start ${t}`);
    stepStart.call(f.logger, t);
  };
  f.logger.stepEnd = (t, ok) => {
    f.transcript.push(`# end ${t}`);
    stepEnd.call(f.logger, t, ok);
  };
  const outcome = await f.run([adapter.id], scenarioText);
  expect(outcome.result.systems.map((s) => [s.id, s.status, s.failure?.message ?? null])).toEqual(
    outcome.result.systems.map((s) => [s.id, 'completed', null]),
  );
  expect(outcome.exitCode).toBe(ExitCode.ok);

  const scenario = parseScenario(scenarioText, '/scenario.yaml', 2);
  const plan = installsPlan(new ClusterPlatform(f.options).planInput(adapter.id, { ...scenario, source: '/scenario.yaml' }));
  const planned = plan.flatMap((s) => s.operations);

  // Cut the timeline into operations: the run's operations are those whose titles the plan has, in its order.
  const runOps: Array<{ title: string; lines: string[] }> = [];
  const measured: string[] = [];
  const stray: string[] = [];
  let open: { title: string; lines: string[] } | null = null;
  const titles = new Set(planned.map((o) => o.title));
  for (const line of f.transcript) {
    const start = /^# start (.*)$/.exec(line)?.[1];
    if (start !== undefined && titles.has(start)) {
      open = { title: start, lines: [] };
      runOps.push(open);
      continue;
    }
    if (line.startsWith('# end ')) {
      if (open && line === `# end ${open.title}`) open = null;
      continue;
    }
    if (line.startsWith('# ')) continue;
    const c = comparable(line);
    if (c === null) continue;
    if (open) open.lines.push(c);
    // Measured steps are not operations of their own in the run: the pipeline measures each through the platform.
    else if (c.startsWith('exec ') && c.includes(' load ') && !c.includes(' --duration 2 ')) measured.push(c);
    // Before the first operation: the preflight and the environment probes, which the plan does not list.
    else if (runOps.length > 0) stray.push(c);
  }
  expect(stray).toEqual([]);

  // The Measure sections (one per install) are the pipeline's loop over the platform (their note says how resources
  // are sampled).
  const measureSections = plan.filter((s) => s.title === 'Measure' || s.title.endsWith(': Measure'));
  expect(measureSections).toHaveLength(scenario.installs ?? 1);
  const preparedAndTornDown = plan.filter((s) => !measureSections.includes(s)).flatMap((s) => s.operations);
  expect(runOps.map((o) => o.title).join('\n')).toEqual(preparedAndTornDown.map((o) => o.title).join('\n'));
  preparedAndTornDown.forEach((op, i) => {
    const want = observable(op);
    if (want === null) return;
    const got = runOps[i]!.lines;
    // run-apply and apply-url also apply what the command printed: only their command is planned.
    const compared = op.op === 'run-apply' || op.op === 'apply-url' ? got.filter((l) => !l.startsWith('api apply ')) : got;
    expect({ op: op.title, lines: compared }).toEqual({ op: op.title, lines: want });
  });
  expect(measured).toEqual(measureSections.flatMap((m) => m.operations.filter((o) => o.op === 'exec').flatMap((o) => observable(o)!)));
}

describe('bench plan is what bench run executes', () => {
  for (const adapter of MESH_ADAPTERS) {
    const needsGatewayApi = adapter.id === 'linkerd' || adapter.id === 'istio-ambient-waypoint';
    // One skip line (or, with REQUIRE_REFERENCE=1, a failure) when the CRDs are neither in ../shared nor the cache.
    const skip = needsGatewayApi && !referenceFiles(`the ${adapter.id} plan oracle`, gatewayApiReferenceFiles()).available;
    it.skipIf(skip)(`${adapter.id}: every planned operation, in order, and nothing else`, async () => {
      await expectPlanIsRun(adapter, TWO_STEP_SCENARIO);
    });
  }
});

describe('bench plan is what bench run executes with installs: 2', () => {
  // Both installs in full: two clusters created and deleted, each install measuring its own repetitions and seeds.
  const twoInstalls = `${TWO_STEP_SCENARIO.trim()}\ninstalls: 2\n`;
  for (const id of ['baseline', 'istio-ambient']) {
    it(`${id}: every operation of both installs, in order, and nothing else`, async () => {
      await expectPlanIsRun(MESH_ADAPTERS.find((a) => a.id === id)!, twoInstalls);
    });
  }
});

describe('bench plan is what bench run executes with a scale: section', () => {
  // The scale windows after the steps: each count's apply, rollout wait, idle check and loaded exec, in order.
  const withScale = `${TWO_STEP_SCENARIO.trim()}\nscale: { replicasPerNode: [1, 4], settle: 1s, idle: 2s, load: { rate: 50, duration: 2s } }\n`;
  for (const id of ['baseline', 'istio-ambient']) {
    it(`${id}: every operation, the scale windows included, in order, and nothing else`, async () => {
      await expectPlanIsRun(MESH_ADAPTERS.find((a) => a.id === id)!, withScale, (f) => {
        withSpreadScheduler(f.kube);
        kubeletsReportingEveryPod(f.kube, () => f.clock.now());
        f.fs.files.set('/repo/clusters/claims.yaml', readFileSync(new URL('../clusters/claims.yaml', import.meta.url), 'utf8'));
      });
    });
  }
});
