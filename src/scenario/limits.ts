import { HISTOGRAM_HIGHEST_US } from '../core/result-schema.js';
import { MAX_RESPONSE_BYTES, MAX_SERVICE_DELAY_US } from '../workload/options.js';

/**
 * Upper bounds on what a scenario (or `bench load`'s flags, which become a one-step scenario) may ask for, each with
 * the reason it exists. Scenario files and flags share this one table, so `rate: 1e12` in YAML and `--rate 1e12` get
 * the same answer. Every bound follows from what the engine, the workload server or the result can hold; none is a
 * taste. The message a user sees is `must be at most <limit> (<why>), got <value>`.
 */
export interface Limit {
  /** Largest allowed value, in the field's unit after parsing (req/s, connections, seconds, bytes, …). */
  max: number;
  /** The limit as a user would write it. */
  text: string;
  why: string;
}

export const LIMITS = {
  rate: {
    max: 1_000_000,
    text: '1000000 req/s',
    why:
      'one engine thread sends at most a few 10 000 req/s (bench calibrate measures yours), and requests due while ' +
      'every connection is busy wait in memory, 8 bytes each: beyond this a stall fills memory instead of measuring',
  },
  connections: {
    max: 10_000,
    text: '10000',
    why:
      'each connection is a socket: file descriptors (often 1024 to 65536 per process) and loopback ephemeral ports ' +
      '(28 232 by default on Linux) run out before the server does',
  },
  workers: {
    max: 64,
    text: '64',
    why: 'each worker is a thread with its own event loop; more threads than cores only compete with the system under test',
  },
  durationS: {
    max: 3600,
    text: '1h',
    why: 'a longer measured window is almost certainly a unit mistake; use repetitions for longer measurements',
  },
  warmupS: {
    max: 600,
    text: '10m',
    why: 'a longer warm-up is almost certainly a unit mistake ("10m" for "10s") and holds a cluster for nothing',
  },
  timeoutS: {
    max: HISTOGRAM_HIGHEST_US / 1e6,
    text: '60s',
    // A longer timeout would record clamped, meaningless latencies.
    why: 'latencies are recorded up to 60 s',
  },
  repetitions: {
    max: 100,
    text: '100',
    why: 'every repetition keeps its encoded histograms in results.json and is resampled 10 000 times by the bootstrap; split longer studies into runs',
  },
  installs: {
    max: 20,
    text: '20',
    why:
      'each install is a whole set-up and teardown (on kind 1–6 min per system before any load, README "Expected ' +
      'durations"), and the spread of 20 installs is already known to 16% (standard error 1/√(2·19)): more add hours, not precision',
  },
  totalRepetitions: {
    max: 100,
    text: '100 repetitions per step',
    why: 'installs × repetitions: every repetition keeps its encoded histograms in results.json and is resampled 10 000 times by the bootstrap',
  },
  steps: {
    max: 100,
    text: '100 steps',
    why: 'every step × repetition keeps its histograms in results.json; split larger sweeps into scenarios',
  },
  totalLoadS: {
    max: 24 * 3600,
    text: '24h of load per system',
    why: 'installs × repetitions × Σ(warm-up + duration) beyond a day is almost certainly a unit mistake',
  },
  responseBytes: {
    max: MAX_RESPONSE_BYTES,
    text: '64MiB',
    why: 'the workload server builds each response body once in memory and refuses larger ones at start',
  },
  serviceDelayS: {
    max: MAX_SERVICE_DELAY_US / 1e6,
    text: '60s',
    why: 'the workload server refuses longer delays at start, and latencies are recorded up to 60 s',
  },
  hops: {
    max: 8,
    text: '8',
    why: 'each hop is a server process (or pod) of its own, and a longer chain measures the chain, not the mesh',
  },
  replicasPerNode: {
    max: 16,
    text: '16',
    why:
      'scale runs fill 2 kind workers on one 16 GB runner: 2 × 16 replicas × (128Mi for the server + 128Mi, the ' +
      'Istio sidecar request) is 8 GiB of memory requests, half the runner, the rest for the kind nodes, the mesh ' +
      'and the load client',
  },
  replicas: {
    max: 50,
    text: '50',
    why: 'each replica is a pod pinned to one kind worker node with 500m CPU requested: more do not fit a runner',
  },
} as const satisfies Record<string, Limit>;

export type LimitName = keyof typeof LIMITS;

/** The message for a value above its limit: `at most 1000000 req/s (why)`; callers add `must be` and `, got …`. */
export function limitText(name: LimitName): string {
  const l: Limit = LIMITS[name];
  return `at most ${l.text} (${l.why})`;
}
