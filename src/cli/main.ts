import os from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { ExitCode, type ExitCodeValue } from '../core/errors.js';
import type { Deps } from '../core/deps.js';
import type { KubeClientFactory } from '../core/kube.js';
import { ConsoleLogger } from '../core/console-logger.js';
import { NodeFileSystem } from '../core/node-fs.js';
import { SystemClock } from '../core/system-clock.js';
import { packageRoot, harnessVersion } from '../core/package-root.js';
import { ExecaRunner } from '../exec/execa-runner.js';
import { mkdtemp } from 'node:fs/promises';
import { REPORT_FILE_NAME, RESULT_FILE_NAME } from '../report/result-file.js';
import { ClusterPlatform } from '../platform/cluster-platform.js';
import { MESH_ADAPTERS, MESH_ADAPTERS_BY_ID } from '../mesh/registry.js';
import { loadVersions } from '../platform/versions.js';
import { loadEstimates } from '../platform/estimates.js';
import { doctorCommand } from './commands/doctor-command.js';
import { validateSystems } from '../pipeline/run-benchmark.js';
import { clusterPlatformOptions, validateClusterFlags, type ClusterFlags } from './cluster-setup.js';
import { planCommand } from './commands/plan-command.js';
import { downCommand } from './commands/down-command.js';
import { renderSummary } from '../report/render-summary.js';
import { runBenchmark } from '../pipeline/run-benchmark.js';
import { LocalPlatform } from '../platform/local-platform.js';
import { reportError } from './exit.js';
import type { CliIo } from './io.js';
import { loadCommand } from './commands/load-command.js';
import { agentCommand } from './commands/agent-command.js';
import { calibrateCommand } from './commands/calibrate-command.js';
import { checkOutputDir } from '../report/output-location.js';
import { serveCommand } from './commands/serve-command.js';
import { compareCommand, type CompareFlags } from './commands/compare-command.js';
import { reportCommand } from './commands/report-command.js';
import { flagsWithoutMeaning, nonEmptyFlags, throwIfAny, unknownSystems } from './flag-checks.js';
import { mergeCommand } from './commands/merge-command.js';
import { historyCommand } from './commands/history-command.js';

/**
 * The `bench` program. Each command is a typed async function returning an exit code; errors thrown anywhere become
 * exit codes in reportError (src/cli/exit.ts) and nowhere else.
 */
export interface MainContext {
  io: CliIo;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Aborted on SIGINT/SIGTERM by the real entry point; tests abort it themselves. */
  signal: AbortSignal;
}

function realDeps(ctx: MainContext, verbose: boolean): Deps {
  return {
    runner: new ExecaRunner(),
    clock: new SystemClock(),
    fs: new NodeFileSystem(),
    logger: new ConsoleLogger((t) => ctx.io.err(t), verbose),
    cwd: ctx.cwd,
    env: ctx.env,
  };
}

/** @kubernetes/client-node is heavy: loaded only by commands that talk to a cluster (not `bench load` in the pod). */
async function kubeFactory(): Promise<KubeClientFactory> {
  return (await import('../kube/client-node-kube.js')).clientNodeKubeFactory;
}

interface RunFlags {
  mesh: string;
  target: 'local' | 'kind' | 'existing';
  scenario: string;
  out: string;
  keepCluster?: boolean;
  context?: string;
  kubeconfig?: string;
  image?: string;
  clusterPrefix: string;
}

function clusterFlags(o: RunFlags): ClusterFlags {
  return {
    target: o.target === 'existing' ? 'existing' : 'kind',
    clusterPrefix: o.clusterPrefix,
    ...(o.context ? { context: o.context } : {}),
    ...(o.kubeconfig ? { kubeconfig: o.kubeconfig } : {}),
    ...(o.image ? { image: o.image } : {}),
    ...(o.keepCluster ? { keepCluster: true } : {}),
  };
}

const splitList = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function buildProgram(ctx: MainContext, setExit: (code: ExitCodeValue) => void): Command {
  const program = new Command('bench')
    .description('Reproducible latency and resource benchmarks for service meshes')
    .version(harnessVersion())
    .option('-v, --verbose', 'stack traces and debug output')
    // Usage errors read like every other error: one `ERROR:` line naming the flag, then where to find the usage.
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.out(s),
      writeErr: (s) => ctx.io.err(s),
      outputError: (s, write) => write(`ERROR: ${s.replace(/^error: /, '')}`),
    });
  const verbose = (): boolean => Boolean(program.opts<{ verbose?: boolean }>().verbose);
  const cores = Math.max(1, os.availableParallelism());

  const clusterOptions = (c: Command): Command =>
    c
      .option('--context <name>', 'kubeconfig context of an existing cluster (with --target existing)')
      .option('--kubeconfig <file>', 'kubeconfig to read for --target existing (never written; default $KUBECONFIG or ~/.kube/config)')
      .option('--image <ref>', 'workload image for --target existing (built from this repo, pushed where the cluster can pull it)')
      .option('--cluster-prefix <prefix>', 'kind clusters are named <prefix>-<system>', 'bench');

  clusterOptions(
    program
      .command('run')
      .description('run a scenario against one or more systems and write results/<run>/results.json and report.md')
      .requiredOption('--mesh <systems>', `comma-separated system ids: ${MESH_ADAPTERS.map((a) => a.id).join(', ')}`)
      .addOption(new Option('--target <target>', 'where the systems run').choices(['local', 'kind', 'existing']).default('kind'))
      .option('--scenario <file>', 'scenario YAML', 'scenarios/default.yaml')
      .option('--out <dir>', 'parent directory for the run directory', 'results')
      .option(
        '--keep-cluster',
        "do not delete kind clusters at the end or on failure (delete later with bench down); with scenario installs, only each system's last install is kept",
      ),
  ).action(async (o: RunFlags, cmd: Command) => {
    // Flags first, before a temporary directory or anything else exists.
    throwIfAny([
      ...nonEmptyFlags({ '--scenario': o.scenario, '--mesh': o.mesh }),
      ...unknownSystems(splitList(o.mesh), MESH_ADAPTERS.map((a) => a.id)),
      ...flagsWithoutMeaning(o.target, cmd),
    ]);
    if (o.target !== 'local') validateClusterFlags(clusterFlags(o));
    const deps = realDeps(ctx, verbose());
    // Before the run-private directory exists (a kept cluster keeps it): a bad --out leaves nothing behind.
    await checkOutputDir('--out', o.out, deps);
    const workRoot = await mkdtemp(join(os.tmpdir(), 'mesh-bench-'));
    try {
      // Inside the try: a versions file or image tag that fails here must not leave the run-private directory behind.
      const platform =
        o.target === 'local'
          ? new LocalPlatform()
          : new ClusterPlatform(
              await clusterPlatformOptions(clusterFlags(o), deps, { repoDir: packageRoot(), workRoot, kubeFactory: await kubeFactory() }),
            );
      const outcome = await runBenchmark(
        { scenarioPath: o.scenario, systems: splitList(o.mesh), outDir: o.out, command: ['bench', ...process.argv.slice(2)] },
        { ...deps, platform, availableCores: cores, signal: ctx.signal, repoDir: packageRoot() },
      );
      const paths = { json: join(outcome.dir, RESULT_FILE_NAME), report: join(outcome.dir, REPORT_FILE_NAME) };
      // The summary on stderr with the status lines; stdout keeps only the two paths, for scripts.
      ctx.io.err(`\n${renderSummary(outcome.result, paths)}`);
      ctx.io.out(`${paths.json}\n${paths.report}\n`);
      setExit(outcome.exitCode);
    } finally {
      // Run-private files (kubeconfigs, configs, image archives) go; a kept cluster keeps its kubeconfig.
      if (!o.keepCluster) await deps.fs.remove(workRoot);
    }
  });

  clusterOptions(
    program
      .command('plan')
      .description('print every command and manifest `bench run` would execute, in order, executing nothing')
      .requiredOption('--mesh <systems>', 'comma-separated system ids')
      .addOption(new Option('--target <target>', 'where the systems would run').choices(['kind', 'existing']).default('kind'))
      .option('--scenario <file>', 'scenario YAML', 'scenarios/default.yaml')
      .option('--work-dir <dir>', 'run-private directory to show in paths', join(os.tmpdir(), 'mesh-bench-plan'))
      .option('--estimate', 'print how long each phase is expected to take (clusters/estimates.yaml), per system, run and nightly job'),
  ).action(async (o: RunFlags & { workDir: string; estimate?: boolean }, cmd: Command) => {
    throwIfAny([
      ...nonEmptyFlags({ '--scenario': o.scenario, '--mesh': o.mesh, '--work-dir': o.workDir }),
      ...unknownSystems(splitList(o.mesh), MESH_ADAPTERS.map((a) => a.id)),
      ...flagsWithoutMeaning(o.target, cmd),
    ]);
    const deps = realDeps(ctx, verbose());
    const options = await clusterPlatformOptions(clusterFlags(o), deps, {
      repoDir: packageRoot(),
      workRoot: o.workDir,
      kubeFactory: await kubeFactory(),
    });
    const estimates = o.estimate ? await loadEstimates(join(packageRoot(), 'clusters', 'estimates.yaml'), deps) : undefined;
    setExit(
      await planCommand({ systems: splitList(o.mesh), scenarioPath: o.scenario, options, deps, availableCores: cores, io: ctx.io, ...(estimates ? { estimates } : {}) }),
    );
  });

  program
    .command('doctor')
    .description('check Docker, kind, kubectl and the CLIs the systems need (at their pins), inotify limits, memory and cores')
    .option('--mesh <systems>', 'only what these systems need (default: every system)')
    .action(async (o: { mesh?: string }) => {
      const deps = realDeps(ctx, verbose());
      const versions = await loadVersions(join(packageRoot(), 'clusters', 'versions.yaml'), deps);
      // `--mesh ''` is a mistake, not "every system".
      const systems = o.mesh !== undefined ? splitList(o.mesh) : 'all';
      if (systems !== 'all') validateSystems(systems, { supports: (id) => MESH_ADAPTERS_BY_ID.has(id), unsupportedReason: (id) => `unknown system ${id}; known: ${MESH_ADAPTERS.map((a) => a.id).join(', ')}` });
      setExit(
        await doctorCommand({
          systems,
          toolsFor: (id) => MESH_ADAPTERS_BY_ID.get(id)?.tools ?? [],
          versions,
          deps,
          io: ctx.io,
          cores,
        }),
      );
    });

  program
    .command('down')
    .description('delete every kind cluster the harness created (<prefix>-<system>), and only those')
    .option('--cluster-prefix <prefix>', 'prefix the clusters were created with', 'bench')
    .action(async (o: { clusterPrefix: string }) => {
      validateClusterFlags({ target: 'kind', clusterPrefix: o.clusterPrefix });
      const deps = realDeps(ctx, verbose());
      setExit(await downCommand({ prefix: o.clusterPrefix, systemIds: MESH_ADAPTERS.map((a) => a.id), runner: deps.runner, io: ctx.io }));
    });

  program
    .command('load')
    .description('drive HTTP load at one URL, like wrk/wrk2 (open loop with --rate, closed loop with --connections)')
    .argument('<url>', 'target URL (http:// or https://)')
    .option('--rate <req/s>', 'open loop: requests per second, latency measured from the intended send time')
    .option('--connections <n>', 'closed loop: connections (with --rate: connections opened at start)')
    .option('--max', 'closed loop, reported as the throughput ceiling at --connections')
    .option('--max-connections <n>', 'open loop: most connections to open when all are busy')
    .option('--duration <d>', 'measured window', '10s')
    .option('--warmup <d>', 'warm-up before the window (not recorded)', '1s')
    .option('--timeout <d>', 'per-request timeout', '10s')
    .addOption(new Option('--arrival <kind>', 'open loop spacing').choices(['uniform', 'poisson']).default('uniform'))
    .option('--workers <n|auto>', 'engine threads', '1')
    .option('--error-budget <fraction|%>', 'allowed failed fraction before the step is invalid', '0.1%')
    .option('--seed <n>', 'seed for Poisson arrivals', '1')
    .option('--min-rate-fraction <fraction>', 'open loop: the step is invalid below this × --rate (scenario thresholds.minRateFraction)')
    .option('--littles-law-tolerance <fraction>', "closed loop: flag mean latency off Little's law by more than this (thresholds.littlesLawTolerance)")
    .option('--json', 'print the step result (results schema) as JSON')
    .action(async (url: string, flags: Parameters<typeof loadCommand>[0]['flags']) => {
      setExit(await loadCommand({ url, flags, availableCores: cores, io: ctx.io, signal: ctx.signal }));
    });

  program
    .command('serve')
    .description('run the workload server (the same program and flags as the container; `bench serve --help` lists them)')
    .argument('[flags...]', 'workload server flags, e.g. --port 8080 --response-bytes 1024')
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .action(async (flags: string[]) => {
      setExit(await serveCommand({ argv: flags, io: ctx.io, signal: ctx.signal }));
    });

  program
    .command('merge')
    .description('one run directory (results.json, record.json.gz: the compact record gzip-compressed, report.md) from per-runner runs, each overhead kept within its own run')
    .argument('<runs...>', 'results.json files or run directories, one per runner')
    .option('--out <dir>', 'parent directory for the merged run directory', 'results')
    .action(async (inputs: string[], o: { out: string }) => {
      const deps = realDeps(ctx, verbose());
      setExit(await mergeCommand({ inputs, outDir: o.out, deps, io: ctx.io }));
    });

  program
    .command('history')
    .description('regenerate results/README.md and its trend charts from every committed run (compact records: record.json.gz, or an older night\'s record.json, with the compare.json.gz beside it)')
    .option('--results <dir>', 'directory of committed runs', 'results')
    .option('--out <file>', 'the README to write (charts go to charts/ beside it)', 'results/README.md')
    .action(async (o: { results: string; out: string }) => {
      throwIfAny(nonEmptyFlags({ '--results': o.results, '--out': o.out }));
      const deps = realDeps(ctx, verbose());
      setExit(await historyCommand({ resultsDir: o.results, out: o.out, deps, io: ctx.io }));
    });

  program
    .command('report')
    .description(
      're-render report.md and its charts from a results.json or a compact record (record.json.gz, gzip-compressed: `zcat record.json.gz | jq .` reads it; ' +
        "or an older night's record.json), byte for byte what the run wrote, with the comparison with the previous night when compare.json.gz is beside it",
    )
    .argument('<results.json|record.json.gz>')
    .option('--stdout', 'print the report instead of writing report.md and its charts/ beside the results')
    .option('--summary', 'print the short job summary instead (for $GITHUB_STEP_SUMMARY: status, verdict table, where the report is); writes nothing')
    .option('--report-link <path|url>', 'with --summary: where the full report is (default: report.md beside the results)')
    .action(async (path: string, o: { stdout?: boolean; summary?: boolean; reportLink?: string }) => {
      throwIfAny([
        ...(o.reportLink !== undefined && !o.summary ? [{ source: '--report-link', field: '', message: 'means something only with --summary' }] : []),
        ...nonEmptyFlags({ '--report-link': o.reportLink }),
      ]);
      const deps = realDeps(ctx, verbose());
      setExit(await reportCommand({ path, flags: o, deps, io: ctx.io }));
    });

  program
    .command('compare')
    .description('compare two runs (or, with --systems a,b, two systems of one run); exit 5 on a regression')
    .argument('<old>', 'results.json, record.json.gz (or record.json) or a run directory (with --systems: the one run)')
    .argument('[new]', 'results.json, record.json.gz (or record.json) or a run directory')
    .option('--systems <a,b>', 'compare system b against system a of one run (old first)')
    .option('--history <dir>', 'committed runs (e.g. results/): the night-to-night spread becomes the noise floor')
    .option('--out <file.md>', 'write the markdown here instead of stdout')
    .option('--json <file>', 'write the comparison as JSON: every row, every figure (gzip-compressed when <file> ends in .gz)')
    .option('--compact-json <file>', 'write the compact JSON a run directory keeps (compare.json.gz, gzip-compressed as its name says; bench history reads it)')
    .option('--compact-out <file.md>', 'write the markdown of the compact JSON (compare.md beside it)')
    .option('--alpha <p>', 'significance level: a change counts only when p < this', '0.01')
    .option('--latency-threshold <fraction|%>', 'latency: worse by more than this fraction…', '10%')
    .option('--latency-min <duration>', '…and by more than this much', '0.1ms')
    .option('--memory-threshold <fraction|%>', 'memory per role: higher by more than this', '10%')
    .option('--cpu-threshold <fraction|%>', 'CPU per role: higher by more than this', '10%')
    .option('--throughput-threshold <fraction|%>', 'throughput: lower by more than this', '10%')
    .option('--allow-different-machines', 'judge runs whose CPU model or core count differ (every verdict says so)')
    .action(async (oldPath: string, newPath: string | undefined, o: CompareFlags) => {
      const deps = realDeps(ctx, verbose());
      setExit(await compareCommand({ paths: newPath === undefined ? [oldPath] : [oldPath, newPath], flags: o, deps, io: ctx.io }));
    });

  program
    .command('calibrate')
    .description("measure this machine's engine ceiling, timing accuracy, pacing and stall handling on loopback")
    .option('--out <dir>', 'directory for calibration.json and calibration.md', 'results/calibration')
    .option('--quick', 'shorter runs (a smoke check of the procedure, not a calibration)')
    .action(async (o: { out: string; quick?: boolean }) => {
      const deps = realDeps(ctx, verbose());
      setExit(await calibrateCommand({ outDir: o.out, quick: Boolean(o.quick), deps, io: ctx.io, signal: ctx.signal, cores }));
    });

  program
    .command('agent')
    .description('idle process of the in-cluster load-client pod (steps are exec\'d into it)')
    .action(async () => {
      await agentCommand(ctx.signal);
      setExit(ExitCode.ok);
    });

  return program;
}

export async function main(argv: readonly string[], ctx: MainContext): Promise<ExitCodeValue> {
  let exitCode: ExitCodeValue = ExitCode.ok;
  const program = buildProgram(ctx, (c) => (exitCode = c));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; commander already printed its message for usage errors.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
        return ExitCode.ok;
      }
      return ExitCode.invalidInput;
    }
    return reportError(error, ctx.io, Boolean(program.opts<{ verbose?: boolean }>().verbose));
  }
}
