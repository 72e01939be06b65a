import { join } from 'node:path';
import type { Deps } from '../core/deps.js';
import { CommandError, ExitCode, InputError, PreflightError, type ExitCodeValue } from '../core/errors.js';
import type { Failure, RepetitionResult, RunResult, StepResult, SystemResult } from '../core/result-schema.js';
import { RESULT_SCHEMA_VERSION } from '../core/result-schema.js';
import type { ResolvedScenario } from '../core/scenario-types.js';
import { collectEnvironment } from '../core/environment.js';
import { aggregateStep } from '../analysis/aggregate-step.js';
import { compareRun } from '../analysis/compare.js';
import { loadScenario } from '../scenario/load-scenario.js';
import { LOCAL_SCALE_REASON, refuseUnmeasurableScale } from '../scale/scale-support.js';
import { claimsFor, loadClaims, type ClaimOfSystems } from '../scale/claims.js';
import { systemScaleFrom } from '../scale/system-scale.js';
import type { SystemScale } from '../core/scale-schema.js';
import { expectedDuration, expectedDurationLine } from '../scenario/expected-duration.js';
import { installCount, repetitionsOfInstall, totalRepetitions } from '../scenario/installs.js';
import { resultDirName, writeRunResult } from '../report/result-file.js';
import { checkOutputDir } from '../report/output-location.js';
import type { Platform, PreparedSystem } from '../platform/platform.js';
import { timed } from '../platform/phase-timing.js';
import { SystemRecord } from './system-record.js';
import { measureStep, type CeilingSource } from './measure-step.js';
import { UNMESHED_SUFFIX } from '../platform/variants.js';
import { withinClusterMeaning } from '../mesh/within-cluster.js';
import { connectionReasons, withIntegrity } from '../platform/target-integrity.js';

/**
 * `bench run`: `--out` checked and flags → resolved scenario (a bad location or an invalid file stops here, exit 2,
 * nothing created) → for each system: prepare → repetitions × steps → teardown → comparisons against the reference →
 * final results and report. The run directory is created exclusively (a run started in the same second gets `-2`,
 * `-3`…), and the results are written atomically after every repetition, so a failure, a signal or a kill later on
 * keeps every repetition already measured (a file written mid-run says `interrupted` until the run finishes).
 */
export interface RunRequest {
  scenarioPath: string;
  systems: readonly string[];
  /** Parent directory; the run writes into `<outDir>/<timestamp>-<scenario>/`. */
  outDir: string;
  /** The command line, recorded in the result. */
  command: readonly string[];
}

export interface RunDeps extends Deps {
  platform: Platform;
  availableCores: number;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** The harness checkout (for its git commit). */
  repoDir: string;
  /** Where an slo step gets the engine's ceiling when its scenario gives none; default: measured on loopback. */
  engineCeiling?: CeilingSource;
}

export interface RunOutcome {
  result: RunResult;
  dir: string;
  exitCode: ExitCodeValue;
}

export const REFERENCE_SYSTEM = 'baseline';
/** The public claims scenario `scale:` is checked against, relative to the harness checkout (src/scale/claims.ts). */
export const CLAIMS_FILE = 'clusters/claims.yaml';

export function validateSystems(systems: readonly string[], platform: Pick<Platform, 'supports' | 'unsupportedReason'>): void {
  const problems = [];
  if (systems.length === 0) problems.push({ source: '--mesh', field: '', message: 'at least one system is required' });
  const seen = new Set<string>();
  for (const id of systems) {
    if (seen.has(id)) problems.push({ source: '--mesh', field: '', message: `${id} is listed twice` });
    seen.add(id);
    if (!platform.supports(id)) problems.push({ source: '--mesh', field: '', message: platform.unsupportedReason(id) });
  }
  if (problems.length) throw new InputError(problems);
}

export async function runBenchmark(req: RunRequest, deps: RunDeps): Promise<RunOutcome> {
  await checkOutputDir('--out', req.outDir, deps);
  const scenario = await loadScenario(req.scenarioPath, { fs: deps.fs, availableCores: deps.availableCores });
  // A platform without the hook cannot measure it (the local target); null from it means it can.
  const scaleReason = deps.platform.scaleUnsupportedReason ? deps.platform.scaleUnsupportedReason() : LOCAL_SCALE_REASON;
  refuseUnmeasurableScale(scenario, deps.platform.target, scaleReason);
  validateSystems(req.systems, deps.platform);
  // The claims the scale section is checked against, read before anything starts (a bad file is exit 2 here).
  const claims = scenario.scale ? await loadClaims(join(deps.repoDir, CLAIMS_FILE), deps.fs) : [];
  await deps.platform.preflight?.(req.systems);
  const target = deps.platform.target;
  const setup = deps.platform.setupEstimate?.(req.systems, scenario) ?? null;
  deps.logger.info(expectedDurationLine(expectedDuration(scenario, req.systems, target, setup, REFERENCE_SYSTEM), target));
  const environment = await collectEnvironment(deps.runner, deps.repoDir);
  const createdAt = new Date(deps.clock.now());
  const dir = await freshDir(join(req.outDir, resultDirName(createdAt, scenario.name)), deps);
  const result: RunResult = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    kind: 'mesh-bench/run',
    runId: `${resultDirName(createdAt, scenario.name)}`,
    createdAt: createdAt.toISOString(),
    finishedAt: createdAt.toISOString(),
    status: 'completed',
    command: [...req.command],
    scenario,
    environment,
    reference: req.systems.includes(REFERENCE_SYSTEM) ? REFERENCE_SYSTEM : null,
    systems: [],
    comparisons: [],
  };
  for (const id of req.systems) {
    if (deps.signal.aborted) break;
    const done = result.systems;
    const save = async (systems: SystemResult[], interim = true): Promise<void> => {
      result.systems = [...done, ...systems];
      // Comparisons (bootstraps and permutation tests over every system) wait for a finished system.
      finalize(result, deps, !interim);
      // Until the final write below, the run is not finished, even between two systems: a kill now leaves a file
      // that must not read `completed` (or `failed`) with systems missing.
      result.status = 'interrupted';
      await writeRunResult(dir, result, { fs: deps.fs });
    };
    await save(await runSystem(id, scenario, deps, save, dir, claims), false);
  }
  // Stryker disable next-line ConditionalExpression: finalize() just below sets the status from the same signal.
  if (deps.signal.aborted) result.status = 'interrupted';
  finalize(result, deps);
  // The charts only here, once: drawing them after every repetition would slow the run for files nobody reads yet.
  await writeRunResult(dir, result, { fs: deps.fs }, { charts: true });
  const exitCode =
    result.status === 'interrupted' ? ExitCode.interrupted : result.status === 'failed' ? ExitCode.runFailed : ExitCode.ok;
  return { result, dir, exitCode };
}

// Stryker disable next-line BooleanLiteral: the only call without the flag follows the last system's save, which compared the same systems (none ran: nothing to compare).
function finalize(result: RunResult, deps: RunDeps, compare = true): void {
  result.finishedAt = new Date(deps.clock.now()).toISOString();
  // Stryker disable next-line MethodExpression: a system is interrupted only when the signal aborted, which the same line checks.
  if (result.systems.some((s) => s.status === 'interrupted') || deps.signal.aborted) result.status = 'interrupted';
  else if (result.systems.some((s) => s.status === 'failed')) result.status = 'failed';
  else result.status = 'completed';
  if (compare) result.comparisons = comparisons(result);
}

/**
 * Every system against the reference (baseline), and every mesh against its own unmeshed namespace in the same
 * cluster: two overheads per mesh, one including the cluster set-up it needs (CNI, node agents), one not. The first is
 * cross-cluster (install-to-install variation is covered only when several installs were measured), the second
 * within-cluster (issue 12).
 */
export function comparisons(result: RunResult): RunResult['comparisons'] {
  const out = result.reference ? compareRun(result.systems, result.reference, result.scenario.seed) : [];
  for (const unmeshed of result.systems.filter((s) => s.id.endsWith(UNMESHED_SUFFIX))) {
    const meshed = result.systems.find((s) => s.id === unmeshed.id.slice(0, -UNMESHED_SUFFIX.length));
    if (!meshed) continue;
    // Same cluster, variants interleaved: no install effect. Whether the difference is the mesh is per system
    // (src/mesh/within-cluster.ts: a CNI's unmeshed namespace still runs on it).
    const meaning = withinClusterMeaning(meshed.id);
    for (const c of compareRun([unmeshed, meshed], unmeshed.id, result.scenario.seed, { scope: 'within-cluster' })) {
      out.push(meaning ? { ...c, withinCluster: meaning } : c);
    }
  }
  // Without a reference (e.g. `--mesh cilium,istio-ambient`) the meshes are also compared with each other, across
  // clusters, each pair once in run order (issue 9, build 7): the report says so.
  if (!result.reference) {
    const meshes = result.systems.filter((s) => !s.id.endsWith(UNMESHED_SUFFIX));
    meshes.forEach((first, i) => {
      for (const other of meshes.slice(i + 1)) out.push(...compareRun([first, other], first.id, result.scenario.seed));
    });
  }
  return out;
}

/** Creates the run directory exclusively: checking first and creating later would let two runs share one. */
async function freshDir(base: string, deps: RunDeps): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (await deps.fs.mkdirExclusive(candidate)) return candidate;
  }
}

/**
 * One system, every variant, on every install (scenario `installs`): each install is a whole prepare → measure →
 * teardown, torn down before the next one is created (a kind cluster's name is per system). `save` receives the
 * results so far after every repetition (marked interrupted: that is what they are if nothing else is ever written)
 * and must write them before measuring goes on. A failed or interrupted install keeps every repetition measured
 * before it; what it created is torn down (with --keep-cluster, only the last install is kept).
 */
async function runSystem(
  id: string,
  scenario: ResolvedScenario,
  deps: RunDeps,
  save: (systems: SystemResult[]) => Promise<void>,
  runDir: string | null = null,
  claims: readonly ClaimOfSystems[] = [],
): Promise<SystemResult[]> {
  // Each step's aggregate (a bootstrap) is recomputed only when its repetitions changed: saves happen after each one.
  const aggregates = new Map<string, { count: number; aggregate: StepResult['aggregate'] }>();
  // Phases, traffic proof, mesh pods and diagnostics, as the platform reports them (system-record.ts).
  const record = new SystemRecord(runDir, id);
  const startedAt = new Date(deps.clock.now()).toISOString();
  const reps = new Map<string, Map<string, RepetitionResult[]>>();
  const installs = installCount(scenario);
  const total = totalRepetitions(scenario);
  let failure: Failure | null = null;
  let interrupted = false;
  // Scenario `scale:`: the system's own variant's section, once its windows are measured (or why it is invalid).
  let scale: SystemScale | undefined;
  // `live`: the install that exists now and must be torn down; `latest`: the last prepared (versions, components).
  let live: PreparedSystem | null = null;
  let latest: PreparedSystem | null = null;
  let install = 1;
  // Stryker disable next-line StringLiteral: every install sets the phase before anything in it can fail.
  let phase = 'prepare';
  const log = deps.logger;
  // After the last install's loop `install` is one past it; the install in question is still the last.
  const installLabel = (): string => `install ${Math.min(install, installs)}/${installs}`;
  const ofInstall = (): string => (installs > 1 ? ` (${installLabel()})` : '');
  try {
    outer: for (; install <= installs; install++) {
      if (deps.signal.aborted) {
        interrupted = true;
        break;
      }
      record.install = install;
      phase = 'prepare';
      log.stepStart(`Preparing ${id}${ofInstall()}`);
      live = await deps.platform.prepare(id, scenario, deps.signal, record);
      latest = live;
      log.stepEnd(`Preparing ${id}${ofInstall()}`, true);
      if (reps.size === 0) for (const v of live.variants) reps.set(v, new Map(scenario.steps.map((s) => [s.name, []])));
      // Repetitions outermost, then steps, then variants: slow drift (thermal, noisy neighbours) spreads over every
      // step and both namespaces instead of landing on one.
      for (const rep of repetitionsOfInstall(scenario, install)) {
        for (const step of scenario.steps) {
          for (const variant of live.variants) {
            if (deps.signal.aborted) {
              interrupted = true;
              break outer;
            }
            phase = `measure ${variant} ${step.name} (repetition ${rep})`;
            const title = `${variant}: ${step.name}, ${installs > 1 ? `install ${install}/${installs}, ` : ''}repetition ${rep}/${total}`;
            log.stepStart(title);
            const system = live;
            const measured = await timed(record, deps.clock, `measure ${variant} ${step.name} #${rep}`, () =>
              measureStep(
                system,
                variant,
                step,
                { errorBudget: scenario.errorBudget, thresholds: scenario.thresholds, seed: scenario.seed + rep, signal: deps.signal },
                deps.engineCeiling,
              ),
            );
            const { resources, targetFailure } = measured;
            const run = withIntegrity(measured.run, connectionReasons(measured.run));
            if (deps.signal.aborted) {
              // A repetition cut short measured less than it says: it is not kept.
              log.stepEnd(`${title}: interrupted, discarded`, false);
              interrupted = true;
              break outer;
            }
            reps.get(variant)!.get(step.name)!.push({ ...run, step, repetition: rep, install, resources });
            const why = run.invalidReasons.length ? ` (${run.invalidReasons.join('; ')})` : '';
            log.stepEnd(`${title}: ${run.status}${why}`, run.status === 'valid');
            await save(build('interrupted'));
            // The target died under this repetition (kept, invalid, with the reason): the system fails.
            if (targetFailure) throw targetFailure;
          }
        }
      }
      // Scenario `scale:` after the last install's steps (the plan's order: scale-plan.ts), the system's own variant.
      if (scenario.scale && install === installs) {
        phase = 'scale windows';
        const system = live;
        const spec = scenario.scale;
        if (!system.measureScale) throw new Error(`${id}: the platform prepared no scale windows`);
        log.stepStart(`${id}: scale windows`);
        const measured = await timed(record, deps.clock, 'scale windows', () => system.measureScale!(spec, { signal: deps.signal }));
        scale = systemScaleFrom(measured, { system: id, scale: spec, claims: claimsFor(id, claims) });
        const why = scale.invalidReasons?.length ? `: invalid (${scale.invalidReasons.join('; ')})` : '';
        log.stepEnd(`${id}: scale windows${why}`, !why);
        await save(build('interrupted'));
      }
      if (install < installs) {
        // The next install is created fresh (same cluster name, same namespaces): this one goes first, also with
        // --keep-cluster. A teardown that fails here fails the system: the next install could not be created cleanly.
        phase = 'teardown';
        await live.teardown({ replaced: true });
        live = null;
      }
    }
  } catch (error) {
    // A refused precondition (e.g. a namespace that is not ours) created nothing: stop the run with exit 3. After a
    // first install has measured, it fails the system instead, so the finished run keeps those repetitions.
    if (error instanceof PreflightError && install === 1) throw error;
    if (deps.signal.aborted) interrupted = true;
    else {
      failure = toFailure(phase, error);
      // The scale windows failed (a rollout that never completed…): the section says so, with no fit.
      if (phase === 'scale windows' && scenario.scale && scale === undefined) {
        scale = systemScaleFrom(
          { workers: 0, windows: [], placements: [], invalidReasons: [`the scale windows failed: ${failure.message}`] },
          { system: id, scale: scenario.scale, claims: claimsFor(id, claims) },
        );
      }
      if (installs > 1) failure.message = `${installLabel()}: ${failure.message}`;
      log.stepEnd(`${id}: ${phase} failed: ${failure.message}`, false);
      // Before teardown: what the cluster looked like when it failed (the platform's diagnostics bundle).
      await live?.diagnose?.(failure.message).catch((e: unknown) => log.warn(`diagnostics of ${id}: ${e instanceof Error ? e.message : String(e)}`));
    }
  } finally {
    try {
      await live?.teardown();
    } catch (error) {
      log.warn(`teardown of ${id}${ofInstall()} failed: ${error instanceof Error ? error.message : String(error)}`);
      failure ??= toFailure('teardown', error);
      if (installs > 1 && !failure.message.startsWith('install ')) failure.message = `${installLabel()}: ${failure.message}`;
    }
  }
  return build(interrupted ? 'interrupted' : failure ? 'failed' : 'completed');

  function build(status: SystemResult['status']): SystemResult[] {
    const finishedAt = new Date(deps.clock.now()).toISOString();
    const variants = latest ? latest.variants : [id];
    return variants.map((variant) => {
      const byStep = reps.get(variant);
      const steps: StepResult[] = scenario.steps.map((s) => {
        const repetitions = byStep?.get(s.name) ?? [];
        const key = `${variant}\n${s.name}`;
        let cached = aggregates.get(key);
        if (cached?.count !== repetitions.length) {
          cached = {
            count: repetitions.length,
            aggregate: aggregateStep(repetitions, { seed: scenario.seed, maxCv: scenario.thresholds.maxCv, mode: s.mode }),
          };
          aggregates.set(key, cached);
        }
        return { name: s.name, config: s, repetitions: [...repetitions], aggregate: cached.aggregate };
      });
      return {
        id: variant,
        target: deps.platform.target,
        status,
        startedAt,
        finishedAt,
        failure,
        versions: latest?.versions() ?? {},
        meshComponents: latest?.meshComponents() ?? [],
        ...record.fields(variant),
        ...(scale && variant === id ? { scale } : {}),
        steps,
      };
    });
  }
}

export function toFailure(step: string, error: unknown): Failure {
  if (error instanceof CommandError) {
    return { step, message: error.message, command: [...error.argv], output: error.output };
  }
  return { step, message: error instanceof Error ? error.message : String(error) };
}
