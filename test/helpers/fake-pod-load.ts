import { createLatencyHistogram, recordMicros, toLatencyRecord } from '../../src/analysis/histogram.js';
import { buildProgram } from '../../src/cli/main.js';
import { resolveLoadFlags, type LoadFlags } from '../../src/cli/load-flags.js';
import { InputError } from '../../src/core/errors.js';
import type { ExecResult } from '../../src/core/kube.js';
import { loadRunSchema, type LoadRun } from '../../src/core/result-schema.js';
import { judgeStep, littlesLaw } from '../../src/load/validity.js';
import { MESH_HEADERS, type MeshHeader, type MeshHeaderSnapshot } from '../../src/workload/mesh-headers.js';
import { makeRepetition } from './repetition-factory.js';

/**
 * The load-client and server pods of a fake cluster, answering execs as the real programs in them would:
 * - `node bin/bench.js load <url> …` is parsed by the real `bench load` command line (an unknown flag or value fails
 *   with exit 2, as in the pod), and answered with the result a healthy server would give for exactly that step: as
 *   many requests as the step's rate and window (or its connections, closed loop) produce, judged valid or invalid by
 *   the real validity rules with the thresholds and error budget the flags carry; exit 0 valid, 1 invalid.
 *   Only the in-cluster Service URL of a namespace's first server resolves; any other host is refused.
 * - `node dist/src/workload/read-evidence.js` in a server prints that server's mesh evidence: the requests it has
 *   answered so far and the mesh headers they carried (`meshHeader`: what a test says the mesh adds).
 * Anything else exits 127 like a missing program.
 */
export class FakeBenchPods {
  /** Requests each namespace's server has answered. */
  readonly served = new Map<string, number>();
  /** The header a mesh adds to every request reaching a namespace's server, with its value (default: no mesh). */
  meshHeader: (namespace: string) => { header: MeshHeader; value: string } | undefined = () => undefined;
  /** Every `bench load` step answered, with the namespace it targeted. */
  readonly loads: Array<{ namespace: string; run: LoadRun }> = [];
  /** The cluster is gone (kind delete cluster): its servers and their counters with it. */
  reset(): void {
    this.served.clear();
  }

  /** Service time of the fake server, µs (each request's latency is this plus a deterministic spread). */
  serviceUs = 500;

  /** What `argv` exec'd in a pod of `namespace` answers. */
  answer(argv: readonly string[], namespace: string): ExecResult {
    if (argv[0] === 'node' && argv[1] === 'bin/bench.js' && argv[2] === 'load') return this.benchLoad(argv.slice(3));
    if (argv[0] === 'node' && argv[1] === 'dist/src/workload/read-evidence.js' && argv.length === 2) return this.readEvidence(namespace);
    return { stdout: '', stderr: `exec: "${argv[0] ?? ''} ${argv[1] ?? ''}": not set up in this fake pod\n`, exitCode: 127 };
  }

  private readEvidence(ns: string): ExecResult {
    const requests = this.served.get(ns) ?? 0;
    const mesh = this.meshHeader(ns);
    const headers = Object.fromEntries(
      MESH_HEADERS.map((h) => [h, mesh?.header === h ? { count: requests, last: requests > 0 ? mesh.value : null } : { count: 0, last: null }]),
    ) as MeshHeaderSnapshot['headers'];
    const snapshot: MeshHeaderSnapshot = { requests, headers };
    return { stdout: `${JSON.stringify(snapshot)}\n`, stderr: '', exitCode: 0 };
  }

  private benchLoad(args: readonly string[]): ExecResult {
    // The real command line, parsed but not run: commander's own option table, defaults and unknown-flag errors.
    const program = buildProgram({ io: { out: () => {}, err: () => {} }, cwd: '/app', env: {}, signal: new AbortController().signal }, () => {});
    const load = program.commands.find((c) => c.name() === 'load')!;
    const parsed = load.parseOptions([...args]);
    if (parsed.unknown.length > 0) return { stdout: '', stderr: `error: unknown option '${parsed.unknown[0]}'\n`, exitCode: 2 };
    const url = parsed.operands[0];
    if (url === undefined || parsed.operands.length > 1) return { stdout: '', stderr: "error: missing required argument 'url'\n", exitCode: 2 };
    const flags = load.opts<LoadFlags & { json?: boolean }>();
    let resolved: ReturnType<typeof resolveLoadFlags>;
    try {
      resolved = resolveLoadFlags(flags, 2);
    } catch (e) {
      if (e instanceof InputError) return { stdout: '', stderr: `${e.message}\n`, exitCode: 2 };
      throw e;
    }
    if (!flags.json) return { stdout: '', stderr: 'fake pod: the harness always asks for --json\n', exitCode: 2 };
    const { step, errorBudget, thresholds } = resolved;
    const namespace = /^http:\/\/server-1\.([a-z0-9-]+)\.svc\.cluster\.local:8080\/$/.exec(url)?.[1];

    // What a healthy server gives: every scheduled request answered (rate), or connections ÷ latency (closed loop).
    const latencies: number[] = [];
    const count = namespace === undefined ? 0 : step.mode === 'rate' ? Math.round(step.rate! * step.durationS) : Math.round((step.connections / (this.serviceUs / 1e6)) * step.durationS);
    for (let i = 0; i < count; i++) latencies.push(this.serviceUs + ((i * 37) % 100));
    const h = createLatencyHistogram();
    for (const us of latencies) recordMicros(h, us);
    const sent = toLatencyRecord(h);
    const throughput = count / step.durationS;
    const counts = {
      sent: count,
      completed: count,
      ok: count,
      non2xx: 0,
      // An unresolvable host: every connection attempt fails.
      socketErrors: namespace === undefined ? step.connections : 0,
      timeouts: 0,
      unanswered: 0,
      reconnects: 0,
      resent: 0,
      statusCodes: (count > 0 ? { '200': count } : {}) as Record<string, number>,
    };
    const ll = step.mode === 'rate' ? null : littlesLaw(step.connections, throughput, sent.summary.meanUs, thresholds.littlesLawTolerance);
    const errorRate = namespace === undefined ? 1 : 0;
    const verdict = judgeStep({
      mode: step.mode,
      targetRate: step.rate,
      achievedRate: throughput,
      errorRate,
      errorBudget,
      counts,
      notSent: 0,
      stoppedEarly: false,
      littlesLaw: ll,
      thresholds,
    });
    const { repetition: _r, resources: _res, ...base } = makeRepetition({ mode: step.mode });
    const run = loadRunSchema.parse({
      ...base,
      url,
      mode: step.mode,
      step,
      durationS: step.durationS,
      targetRate: step.rate,
      achievedRate: throughput,
      throughput,
      errorRate,
      connections: { initial: step.connections, peak: step.connections },
      counts,
      latency: { intended: step.mode === 'rate' ? sent : null, sent },
      sendLag: step.mode === 'rate' ? base.sendLag : null,
      littlesLaw: ll,
      status: verdict.status,
      invalidReasons: verdict.invalidReasons,
      warnings: verdict.warnings,
    });
    if (namespace !== undefined) this.served.set(namespace, (this.served.get(namespace) ?? 0) + count);
    this.loads.push({ namespace: namespace ?? '', run });
    return { stdout: `${JSON.stringify(run, null, 2)}\n`, stderr: '', exitCode: run.status === 'valid' ? 0 : 1 };
  }
}
