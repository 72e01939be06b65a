import type { Deps } from '../../src/core/deps.js';
import type { LoadRun, RunResult } from '../../src/core/result-schema.js';
import { runResultSchema } from '../../src/core/result-schema.js';
import type { ResolvedLoadStep } from '../../src/core/scenario-types.js';
import type { MeasureOptions, MeasuredScale, Measurement, Platform, PreparedSystem, SystemRecorder } from '../../src/platform/platform.js';
import { runBenchmark, type RunOutcome } from '../../src/pipeline/run-benchmark.js';
import { FakeClock } from './fake-clock.js';
import { FakeRunner } from './fake-cluster.js';
import { MemoryFileSystem } from './memory-fs.js';
import { RecordingLogger } from './recording-logger.js';
import { makeRepetition } from './repetition-factory.js';

/**
 * A platform for the pipeline's own behaviour (src/pipeline/run-benchmark.ts): it supports only the systems it is
 * given, answers each measurement from `measure` (default: a valid run of the step), and records every call it gets in
 * `events`, in order, so a test can assert exactly what was prepared, measured, diagnosed and torn down.
 */
export interface MeasureCall {
  system: string;
  variant: string;
  step: ResolvedLoadStep;
  options: MeasureOptions;
  /** 1-based count of measure calls over the whole run. */
  n: number;
}

export interface FakePlatformOptions {
  systems: readonly string[];
  /** Variants a prepared system measures; default `[id]`. */
  variants?: (id: string) => string[];
  measure?: (call: MeasureCall) => Measurement | Promise<Measurement>;
  teardown?: (id: string, replaced: boolean) => void | Promise<void>;
  diagnose?: (id: string, failure: string) => void | Promise<void>;
  /** Called by prepare with the recorder the pipeline passed. */
  onPrepare?: (id: string, recorder: SystemRecorder | undefined) => void | Promise<void>;
  /** Target reported; default local. */
  target?: 'local' | 'kind';
  /** Scenario `scale:`: the platform can measure it, each prepared system answering from this (absent: refused). */
  measureScale?: (id: string) => MeasuredScale | Promise<MeasuredScale>;
  /** With measureScale: prepared systems without the hook (the platform claims it can, then prepares none). */
  preparesNoScale?: boolean;
}

/** A run of `step` as the engine would report it: valid unless `spec` says otherwise. */
export function runOf(step: ResolvedLoadStep, spec: { status?: 'valid' | 'invalid'; invalidReasons?: string[]; throughput?: number } = {}): LoadRun {
  const { repetition: _r, resources: _res, install: _i, ...run } = makeRepetition({ mode: 'rate', ...spec });
  return { ...run, step, ...(spec.throughput === undefined ? {} : { throughput: spec.throughput }) };
}

export class FakePipelinePlatform implements Platform {
  readonly target: 'local' | 'kind';
  readonly events: string[] = [];
  private count = 0;
  readonly scaleUnsupportedReason?: () => string | null;
  constructor(private readonly o: FakePlatformOptions) {
    this.target = o.target ?? 'local';
    if (o.measureScale) this.scaleUnsupportedReason = () => null;
  }

  supports(id: string): boolean {
    return this.o.systems.includes(id);
  }
  unsupportedReason(id: string): string {
    return `${id} is not one of this test's systems`;
  }
  async prepare(id: string, _scenario: unknown, _signal: AbortSignal, recorder?: SystemRecorder): Promise<PreparedSystem> {
    this.events.push(`prepare ${id}`);
    await this.o.onPrepare?.(id, recorder);
    const o = this.o;
    const events = this.events;
    const system: PreparedSystem = {
      variants: o.variants ? o.variants(id) : [id],
      measure: async (variant, step, options) => {
        const n = ++this.count;
        events.push(`measure ${variant} ${step.name} seed ${options.seed}`);
        return o.measure ? o.measure({ system: id, variant, step, options, n }) : { run: runOf(step), resources: null };
      },
      versions: () => ({ [id]: '1.0.0' }),
      meshComponents: () => [],
      teardown: async (t) => {
        events.push(`teardown ${id}${t?.replaced ? ' (replaced)' : ''}`);
        await o.teardown?.(id, t?.replaced ?? false);
      },
    };
    const scale = o.measureScale;
    if (scale && !o.preparesNoScale) {
      system.measureScale = async () => {
        events.push(`scale ${id}`);
        return scale(id);
      };
    }
    if (o.diagnose) {
      const diagnose = o.diagnose;
      system.diagnose = async (failure) => {
        events.push(`diagnose ${id}: ${failure}`);
        await diagnose(id, failure);
      };
    }
    return system;
  }
}

/** Scenario text: `repetitions` of one or more rate steps (1 s, no warm-up), optionally on several installs. */
export function scenarioText(o: { repetitions: number; steps?: readonly string[]; installs?: number }): string {
  const steps = (o.steps ?? ['rate-100']).map((name) => `  - { name: ${name}, mode: rate, rate: 100, duration: 1s, warmup: 0s }`);
  return ['name: tiny', `repetitions: ${o.repetitions}`, ...(o.installs ? [`installs: ${o.installs}`] : []), 'steps:', ...steps, ''].join('\n');
}

export interface PipelineRun {
  fs: MemoryFileSystem;
  logger: RecordingLogger;
  controller: AbortController;
  run(systems: readonly string[]): Promise<RunOutcome>;
  /** The results file as written last (or `undefined` before the first write). */
  onDisk(): Promise<RunResult | undefined>;
}

export function pipelineRun(platform: Platform, scenario: string, files: Record<string, string> = {}): PipelineRun {
  const fs = new MemoryFileSystem({ '/scenario.yaml': scenario, ...files });
  const logger = new RecordingLogger();
  const controller = new AbortController();
  const deps: Deps = { runner: new FakeRunner(), fs, clock: new FakeClock(), logger, cwd: '/', env: {} };
  return {
    fs,
    logger,
    controller,
    run: (systems) =>
      runBenchmark(
        { scenarioPath: '/scenario.yaml', systems, outDir: '/results', command: ['bench', 'run', '--mesh', systems.join(',')] },
        { ...deps, platform, availableCores: 2, signal: controller.signal, repoDir: '/repo' },
      ),
    async onDisk() {
      const dirs = await fs.readdir('/results').catch(() => []);
      const dir = dirs[0];
      if (dir === undefined) return undefined;
      const text = fs.read(`/results/${dir}/results.json`);
      return text === undefined ? undefined : runResultSchema.parse(JSON.parse(text));
    },
  };
}

/** The step lines the logger got (start/ok/FAIL), without the run's info lines. */
export const stepLines = (logger: RecordingLogger): string[] => logger.lines.filter((l) => /^(start|ok|FAIL) /.test(l));
