import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ProcessRunner, RunOptions, RunOutput } from '../src/core/deps.js';
import { CommandError, ExitCode, PreflightError } from '../src/core/errors.js';
import type { ToolName } from '../src/mesh/mesh-adapter.js';
import { assertPreflight, runPreflight, type PreflightNeeds } from '../src/platform/preflight.js';
import { parseVersions } from '../src/platform/versions.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';

const VERSIONS_PATH = fileURLToPath(new URL('../clusters/versions.yaml', import.meta.url));
const versions = parseVersions(readFileSync(VERSIONS_PATH, 'utf8'), VERSIONS_PATH);

/** Answers by the joined argv: a stdout string, or a function that throws like ExecaRunner does. */
type Answer = string | (() => never);

class FakeRunner implements ProcessRunner {
  readonly calls: { argv: string[]; options?: RunOptions }[] = [];
  constructor(private readonly answers: Record<string, Answer>) {}
  async run(argv: readonly string[], options?: RunOptions): Promise<RunOutput> {
    this.calls.push({ argv: [...argv], ...(options ? { options } : {}) });
    const answer = this.answers[argv.join(' ')];
    if (answer === undefined) return notFound(argv)();
    if (typeof answer === 'function') return answer();
    return { stdout: answer, stderr: '', exitCode: 0 };
  }
  async pipe(): Promise<RunOutput> {
    throw new Error('preflight never pipes');
  }
}

/** What ExecaRunner throws for a program that is not on PATH (captured from execa 9). */
function notFound(argv: readonly string[]): () => never {
  const message = `Command failed with ENOENT: ${argv.join(' ')}\nspawn ${argv[0]} ENOENT`;
  return () => {
    throw new CommandError(argv, null, message, message);
  };
}

function exits(argv: readonly string[], code: number, output: string): () => never {
  return () => {
    throw new CommandError(argv, code, output, `exit code ${code}`);
  };
}

const DOCKER = 'docker version --format {{json .Server}}';
const PROBES = {
  kind: 'kind version',
  kubectl: 'kubectl version --client --output json',
  helm: 'helm version --template {{.Version}}',
  istioctl: 'istioctl version --remote=false --output json',
  linkerd: 'linkerd version --client --short',
  cilium: 'cilium version --client',
} as const;

/** Every tool present at its pinned version, each answering in its own format. */
function healthyAnswers(): Record<string, Answer> {
  return {
    [DOCKER]: '{"Version":"28.2.2","ApiVersion":"1.50","Os":"linux","Arch":"amd64"}\n',
    [PROBES.kind]: 'kind v0.32.0 go1.25.5 linux/amd64\n',
    [PROBES.kubectl]: '{\n  "clientVersion": {\n    "gitVersion": "v1.36.1"\n  },\n  "kustomizeVersion": "v5.7.1"\n}\n',
    [PROBES.helm]: 'v3.21.4',
    [PROBES.istioctl]: '{\n  "clientVersion": {\n    "version": "1.30.3",\n    "status": "Clean"\n  }\n}\n',
    [PROBES.linkerd]: 'edge-26.8.3\n',
    [PROBES.cilium]: 'cilium-cli: v0.19.7 compiled with go1.26.5 on linux/amd64\ncilium image (default): v1.19.1\n',
  };
}

const GiB = 2 ** 30;
const NEEDS: PreflightNeeds = { memoryBytes: 6 * GiB, cores: 4 };

function healthyProc(overrides: Record<string, string> = {}): MemoryFileSystem {
  return new MemoryFileSystem({
    '/proc/sys/fs/inotify/max_user_watches': '524288\n',
    '/proc/sys/fs/inotify/max_user_instances': '512\n',
    '/proc/meminfo': `MemTotal:       16365244 kB\nMemFree:         1032116 kB\nMemAvailable:   ${12 * 1024 * 1024} kB\n`,
    ...overrides,
  });
}

const ALL: ToolName[] = ['docker', 'kind', 'kubectl', 'helm', 'istioctl', 'linkerd', 'cilium'];

async function preflight(
  answers: Record<string, Answer>,
  opts: { tools?: ToolName[]; fs?: MemoryFileSystem; cores?: number; env?: Record<string, string> } = {},
) {
  const runner = new FakeRunner(answers);
  const report = await runPreflight(
    { tools: opts.tools ?? ALL, versions, needs: NEEDS },
    { runner, fs: opts.fs ?? healthyProc(), env: opts.env ?? {}, cores: opts.cores ?? 8 },
  );
  return { report, runner };
}

describe('a machine with everything pinned', () => {
  it('has no problems or warnings, and records what it found', async () => {
    const { report } = await preflight(healthyAnswers());
    expect(report.problems).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.found).toEqual({
      docker: '28.2.2',
      kind: 'v0.32.0',
      kubectl: 'v1.36.1',
      helm: 'v3.21.4',
      istioctl: '1.30.3',
      linkerd: 'edge-26.8.3',
      cilium: 'v0.19.7',
    });
    expect(report.checks.map((c) => `${c.status} ${c.detail}`)).toEqual([
      'ok docker engine 28.2.2 (linux/amd64), API 1.50',
      'ok kind v0.32.0',
      'ok kubectl v1.36.1',
      'ok helm v3.21.4',
      'ok istioctl 1.30.3',
      'ok linkerd edge-26.8.3',
      'ok cilium v0.19.7',
      'ok fs.inotify.max_user_watches 524288 (>= 524288)',
      'ok fs.inotify.max_user_instances 512 (>= 512)',
      'ok memory 12.0 GiB available (needs 6.0 GiB)',
      'ok cores 8 (needs 4)',
    ]);
    expect(() => assertPreflight(report)).not.toThrow();
  });

  it('asks each tool for its version with these commands, with a timeout, and nothing else', async () => {
    const { runner } = await preflight(healthyAnswers());
    expect(runner.calls.map((c) => c.argv)).toEqual([
      ['docker', 'version', '--format', '{{json .Server}}'],
      ['kind', 'version'],
      ['kubectl', 'version', '--client', '--output', 'json'],
      ['helm', 'version', '--template', '{{.Version}}'],
      ['istioctl', 'version', '--remote=false', '--output', 'json'],
      ['linkerd', 'version', '--client', '--short'],
      ['cilium', 'version', '--client'],
    ]);
    for (const call of runner.calls) expect(call.options?.timeoutMs).toBeGreaterThan(0);
  });

  it('checks only the tools it is given, in a fixed order', async () => {
    const { runner, report } = await preflight(healthyAnswers(), { tools: ['kubectl', 'istioctl', 'docker', 'kind'] });
    expect(runner.calls.map((c) => c.argv[0])).toEqual(['docker', 'kind', 'kubectl', 'istioctl']);
    expect(Object.keys(report.found)).toEqual(['docker', 'kind', 'kubectl', 'istioctl']);
  });
});

describe('the Docker engine', () => {
  it('unreachable with the client installed is a problem naming the fix', async () => {
    const argv = ['docker', 'version', '--format', '{{json .Server}}'];
    // Captured from Docker CLI 28.2.2 with no daemon: `null` on stdout, exit 1, this line on stderr.
    const output = 'null\nCannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n';
    const { report } = await preflight({ ...healthyAnswers(), [DOCKER]: exits(argv, 1, output) });
    expect(report.problems).toEqual([
      'Docker engine not reachable (Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon ' +
        'running?): start it (sudo systemctl start docker, or start Docker Desktop), or point DOCKER_HOST / `docker context use` ' +
        'at a running engine',
    ]);
    expect(report.found.docker).toBeUndefined();
  });

  it('answering `null` without failing is still no engine', async () => {
    const { report } = await preflight({ ...healthyAnswers(), [DOCKER]: 'null\n' }, { env: { DOCKER_HOST: 'tcp://10.0.0.5:2375' } });
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatch(/^Docker engine not reachable at DOCKER_HOST=tcp:\/\/10\.0\.0\.5:2375 \(no server/);
  });

  it('refusing this user is a problem naming the docker group', async () => {
    const argv = ['docker', 'version', '--format', '{{json .Server}}'];
    // docker/for-linux#613 (`docker version` as a user outside the docker group).
    const output =
      'Got permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get ' +
      'http://%2Fvar%2Frun%2Fdocker.sock/v1.38/version: dial unix /var/run/docker.sock: connect: permission denied\n';
    const { report } = await preflight({ ...healthyAnswers(), [DOCKER]: exits(argv, 1, output) });
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatch(/^Docker engine refused this user \(Got permission denied/);
    expect(report.problems[0]).toContain('sudo usermod -aG docker "$USER"');
  });

  it('with no docker program at all, the problem says to install Docker Engine', async () => {
    const answers = healthyAnswers();
    delete answers[DOCKER];
    const { report } = await preflight(answers);
    expect(report.problems).toEqual(['docker not found on PATH: install Docker Engine (https://docs.docker.com/engine/install/)']);
  });
});

describe('tools', () => {
  it('a missing tool is a problem naming the pinned version and the install script', async () => {
    const answers = healthyAnswers();
    delete answers[PROBES.kind];
    delete answers[PROBES.linkerd];
    const { report } = await preflight(answers);
    expect(report.problems).toEqual([
      'kind not found on PATH: install v0.32.0 (see .github/scripts/install-tools.sh)',
      'linkerd not found on PATH: install edge-26.8.3 (see .github/scripts/install-tools.sh)',
    ]);
    expect(report.warnings).toEqual([]);
  });

  it('a version other than the pin is a warning, not a problem', async () => {
    const { report } = await preflight({
      ...healthyAnswers(),
      [PROBES.kind]: 'kind v0.31.0 go1.25.5 linux/amd64\n',
      [PROBES.istioctl]: '{"clientVersion":{"version":"1.29.0"}}\n',
    });
    expect(report.problems).toEqual([]);
    expect(report.warnings).toEqual([
      'kind v0.31.0 found, v0.32.0 pinned in clusters/versions.yaml: results may not match; install v0.32.0 (see .github/scripts/install-tools.sh)',
      'istioctl 1.29.0 found, 1.30.3 pinned in clusters/versions.yaml: results may not match; install 1.30.3 (see .github/scripts/install-tools.sh)',
    ]);
    expect(report.found.kind).toBe('v0.31.0');
    expect(() => assertPreflight(report)).not.toThrow();
  });

  it('a version that cannot be read is a warning quoting what was printed', async () => {
    const { report } = await preflight({
      ...healthyAnswers(),
      [PROBES.cilium]: 'cilium-cli:  compiled with go1.22.0 on linux/amd64\n',
    });
    expect(report.problems).toEqual([]);
    expect(report.warnings).toEqual([
      'cilium: could not read a version from `cilium version --client` (printed "cilium-cli:  compiled with go1.22.0 on linux/amd64"); expected v0.19.7',
    ]);
    expect(report.found.cilium).toBeUndefined();
  });

  it('a tool that fails is a problem with its error and the fix', async () => {
    const argv = ['helm', 'version', '--template', '{{.Version}}'];
    const { report } = await preflight({
      ...healthyAnswers(),
      [PROBES.helm]: exits(argv, 126, 'helm: cannot execute binary file: Exec format error\n'),
    });
    expect(report.problems).toEqual([
      'helm is on PATH but `helm version --template {{.Version}}` failed (helm: cannot execute binary file: Exec format error): ' +
        'reinstall it: install v3.21.4 (see .github/scripts/install-tools.sh)',
    ]);
  });

  it('a tool that does not answer in time is a warning (cilium fetches stable.txt over the network)', async () => {
    const argv = ['cilium', 'version', '--client'];
    const timedOut = () => {
      throw new CommandError(argv, null, 'Command timed out after 30000 milliseconds: cilium version --client', 'timed out');
    };
    const { report } = await preflight({ ...healthyAnswers(), [PROBES.cilium]: timedOut });
    expect(report.problems).toEqual([]);
    expect(report.warnings).toEqual(['cilium: `cilium version --client` did not answer within 30 s; its version was not checked']);
  });
});

describe('inotify limits (kind known issues: "too many open files")', () => {
  it('too low is a problem with the sysctl command that fixes it', async () => {
    // Ubuntu's defaults, as kind's known-issues page quotes them.
    const fs = healthyProc({
      '/proc/sys/fs/inotify/max_user_watches': '8192\n',
      '/proc/sys/fs/inotify/max_user_instances': '128\n',
    });
    const { report } = await preflight(healthyAnswers(), { fs });
    expect(report.problems).toEqual([
      'fs.inotify.max_user_watches is 8192, kind needs at least 524288 (kind known issues, "too many open files"): ' +
        'sudo sysctl fs.inotify.max_user_watches=524288',
      'fs.inotify.max_user_instances is 128, kind needs at least 512 (kind known issues, "too many open files"): ' +
        'sudo sysctl fs.inotify.max_user_instances=512',
    ]);
  });

  it('one below the minimum is too low; the minimum is enough', async () => {
    const low = await preflight(healthyAnswers(), { fs: healthyProc({ '/proc/sys/fs/inotify/max_user_instances': '511\n' }) });
    expect(low.report.problems).toHaveLength(1);
    const enough = await preflight(healthyAnswers(), { fs: healthyProc({ '/proc/sys/fs/inotify/max_user_watches': '1048576\n' }) });
    expect(enough.report.problems).toEqual([]);
  });

  it('are read through the FileSystem seam; unreadable (not Linux) is a warning, not a problem', async () => {
    const fs = healthyProc().failOn('readFile', '/proc/sys/fs/inotify/max_user_watches', 'ENOENT');
    const { report } = await preflight(healthyAnswers(), { fs });
    expect(fs.calls.filter((c) => c.op === 'readFile').map((c) => c.path)).toEqual([
      '/proc/sys/fs/inotify/max_user_watches',
      '/proc/sys/fs/inotify/max_user_instances',
      '/proc/meminfo',
    ]);
    expect(report.problems).toEqual([]);
    expect(report.warnings).toEqual([
      'cannot read /proc/sys/fs/inotify/max_user_watches (ENOENT): not checked; kind needs fs.inotify.max_user_watches >= 524288 on the machine running Docker',
    ]);
  });
});

describe('memory and cores', () => {
  it('less MemAvailable than the run needs is a problem', async () => {
    const fs = healthyProc({ '/proc/meminfo': `MemTotal:       8000000 kB\nMemAvailable:   ${4 * 1024 * 1024} kB\n` });
    const { report } = await preflight(healthyAnswers(), { fs });
    expect(report.problems).toEqual([
      '4.0 GiB memory available (MemAvailable), the run needs 6.0 GiB: stop other containers and programs (docker ps; kind get clusters) or use a larger machine',
    ]);
  });

  it('counts MemAvailable, not MemFree', async () => {
    const fs = healthyProc({ '/proc/meminfo': `MemFree:         ${1024 * 1024} kB\nMemAvailable:   ${6 * 1024 * 1024} kB\n` });
    const { report } = await preflight(healthyAnswers(), { fs });
    expect(report.problems).toEqual([]);
  });

  it('a meminfo without MemAvailable is a warning', async () => {
    const fs = healthyProc({ '/proc/meminfo': 'MemTotal:       8000000 kB\nMemFree:         4000000 kB\n' });
    const { report } = await preflight(healthyAnswers(), { fs });
    expect(report.problems).toEqual([]);
    expect(report.warnings).toEqual([
      '/proc/meminfo has no MemAvailable line (kernel older than 3.14?): free memory not checked',
    ]);
  });

  it('fewer cores than the run needs is a problem', async () => {
    const { report } = await preflight(healthyAnswers(), { cores: 2 });
    expect(report.problems).toEqual(['2 CPU cores available, the run needs 4: use a machine with at least 4 cores']);
  });
});

describe('assertPreflight', () => {
  it('throws a PreflightError (exit 3) carrying every problem, one line each', async () => {
    const answers = healthyAnswers();
    delete answers[PROBES.kind];
    const { report } = await preflight(answers, { cores: 1 });
    let thrown: unknown;
    try {
      assertPreflight(report);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PreflightError);
    const error = thrown as PreflightError;
    expect(error.exitCode).toBe(ExitCode.preflight);
    expect(error.problems).toEqual(report.problems);
    expect(error.message.split('\n')).toEqual([
      'kind not found on PATH: install v0.32.0 (see .github/scripts/install-tools.sh)',
      '1 CPU core available, the run needs 4: use a machine with at least 4 cores',
    ]);
  });
});
