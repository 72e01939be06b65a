import type { FileSystem, ProcessRunner } from '../core/deps.js';
import { CommandError, PreflightError } from '../core/errors.js';
import type { ToolName } from '../mesh/mesh-adapter.js';
import type { Versions } from './versions.js';

/**
 * Preflight: before `bench run` creates anything, check that the machine can run it: a reachable Docker engine
 * (the client alone proves nothing), every tool the systems need on PATH at its pinned version, kind's inotify
 * limits, free memory and cores. Every problem is one line that says what is wrong and how to fix it; a problem
 * stops the run (PreflightError, exit 3), a warning (a version other than the pin) does not.
 *
 * The version parsers are pure and exported; each names the upstream source of the output format it reads.
 */

/** Where the pinned tools are installed from, named in every fix line. */
export const INSTALL_SCRIPT = '.github/scripts/install-tools.sh';

/**
 * kind's own numbers: site/content/docs/user/known-issues.md, "Pod errors due to \"too many open files\"" (kind
 * v0.32.0): Ubuntu's defaults (8192 watches, 128 instances) are "not enough to create a cluster with many nodes".
 */
export const INOTIFY_MINIMUMS = {
  max_user_watches: 524_288,
  max_user_instances: 512,
} as const;

/**
 * The oldest Docker Engine API the kind target can use. The workload image is saved for the nodes' one platform
 * (`docker save --platform linux/<arch>`, image-build.ts: without it `kind load image-archive` can fail under
 * Docker's containerd image store, kubernetes-sigs/kind#3795), and the Docker CLI reference marks that flag "API
 * 1.48+" (docs.docker.com/reference/cli/docker/image/save/); API 1.48 is Docker Engine 28.0 (the "API version
 * matrix" in docs.docker.com/reference/api/engine/). Older engines are refused before anything is created.
 */
export const MIN_DOCKER_API_VERSION = '1.48';

/**
 * What one system's kind run needs on this machine: three kind nodes with a mesh (istiod alone requests 2 GiB) and
 * the load client. An estimate (not an upstream figure), checked against MemAvailable and cores.
 */
export const DEFAULT_NEEDS: PreflightNeeds = { memoryBytes: 6 * 2 ** 30, cores: 4 };

/** The kind target always needs these, whatever the mesh (adapters list only their extra tools). */
export const KIND_TARGET_TOOLS: readonly ToolName[] = ['docker', 'kind', 'kubectl'];

/** Every tool, in the order checks are reported. */
export const ALL_TOOLS: readonly ToolName[] = ['docker', 'kind', 'kubectl', 'helm', 'istioctl', 'linkerd', 'cilium', 'openssl'];

export interface PreflightNeeds {
  /** Bytes of MemAvailable the run needs. */
  memoryBytes: number;
  cores: number;
}

export type CheckStatus = 'ok' | 'warning' | 'problem';

/** One line of `bench doctor`: what was checked, and what was found or what is wrong with its fix. */
export interface PreflightCheck {
  name: string;
  status: CheckStatus;
  detail: string;
}

export interface PreflightReport {
  /** One line each, with the fix; any problem stops the run. */
  problems: string[];
  /** One line each; the run goes on. */
  warnings: string[];
  /** Tool versions as found (docker: the engine's version), for the result's environment. */
  found: Record<string, string>;
  /** Every check in order, for `bench doctor`. */
  checks: PreflightCheck[];
}

export interface PreflightDeps {
  runner: ProcessRunner;
  fs: FileSystem;
  env: Readonly<Record<string, string | undefined>>;
  /** Cores this process may use (injected: os.availableParallelism() in the CLI). */
  cores: number;
}

/** A version probe never needs long; `cilium version --client` also fetches stable.txt over the network. */
const PROBE_TIMEOUT_MS = 30_000;

export async function runPreflight(
  p: {
    tools: readonly ToolName[];
    versions: Versions;
    needs: PreflightNeeds;
    /** Check this machine's inotify limits, memory and cores (kind runs here); false for an existing cluster. */
    host?: boolean;
  },
  deps: PreflightDeps,
): Promise<PreflightReport> {
  const tools = ALL_TOOLS.filter((t) => p.tools.includes(t));
  const toolChecks = await Promise.all(tools.map((tool) => checkTool(tool, p.versions, deps)));
  const hostChecks =
    p.host === false
      ? []
      : [
          ...(await Promise.all([
            checkInotify('max_user_watches', deps.fs),
            checkInotify('max_user_instances', deps.fs),
            checkMemory(p.needs.memoryBytes, deps.fs),
          ])),
          checkCores(deps.cores, p.needs.cores),
        ];
  const checks = [...toolChecks.map((c) => c.check), ...hostChecks];
  const found: Record<string, string> = {};
  for (const c of toolChecks) if (c.version !== undefined) found[c.tool] = c.version;
  return {
    problems: checks.filter((c) => c.status === 'problem').map((c) => c.detail),
    warnings: checks.filter((c) => c.status === 'warning').map((c) => c.detail),
    found,
    checks,
  };
}

/** `bench run` calls this before creating anything: any problem stops the run with exit 3. */
export function assertPreflight(report: PreflightReport): void {
  if (report.problems.length > 0) throw new PreflightError(report.problems);
}

// --- tools ---

interface ToolProbe {
  argv: string[];
  parse(stdout: string): string | undefined;
  /** The pinned version, in the form the tool prints it; null for a tool taken from the system, at any version. */
  pinned(versions: Versions): string | null;
  /** How to install it when it is not pinned (pinned tools name INSTALL_SCRIPT). */
  install?: string;
}

const TOOL_PROBES: Record<Exclude<ToolName, 'docker'>, ToolProbe> = {
  kind: { argv: ['kind', 'version'], parse: parseKindVersion, pinned: (v) => v.kind.version },
  kubectl: {
    argv: ['kubectl', 'version', '--client', '--output', 'json'],
    parse: parseKubectlClientVersion,
    pinned: (v) => v.kubectl.version,
  },
  helm: { argv: ['helm', 'version', '--template', '{{.Version}}'], parse: parseHelmVersion, pinned: (v) => v.helm.version },
  istioctl: {
    argv: ['istioctl', 'version', '--remote=false', '--output', 'json'],
    parse: parseIstioctlClientVersion,
    pinned: (v) => v.meshes.istio.version,
  },
  linkerd: {
    argv: ['linkerd', 'version', '--client', '--short'],
    parse: parseLinkerdClientVersion,
    pinned: (v) => v.meshes.linkerd.version,
  },
  cilium: { argv: ['cilium', 'version', '--client'], parse: parseCiliumCliVersion, pinned: (v) => v.meshes.cilium.cliVersion },
  // cilium-ztunnel generates its keys and certificates with the system's openssl, as the upstream guide does; any
  // version that has `genrsa` and `req -x509` will do, so none is pinned.
  openssl: { argv: ['openssl', 'version'], parse: parseOpensslVersion, pinned: () => null, install: 'install openssl (e.g. sudo apt-get install openssl)' },
};

interface ToolCheck {
  tool: ToolName;
  version?: string;
  check: PreflightCheck;
}

async function checkTool(tool: ToolName, versions: Versions, deps: PreflightDeps): Promise<ToolCheck> {
  if (tool === 'docker') return checkDockerEngine(deps);
  const probe = TOOL_PROBES[tool];
  const pinned = probe.pinned(versions);
  const install = probe.install ?? `install ${pinned} (see ${INSTALL_SCRIPT})`;
  const command = probe.argv.join(' ');
  let stdout: string;
  try {
    stdout = (await deps.runner.run(probe.argv, { timeoutMs: PROBE_TIMEOUT_MS })).stdout;
  } catch (error) {
    const failure = classifyFailure(error);
    if (failure.kind === 'not-found') return problem(tool, `${tool} not found on PATH: ${install}`);
    if (failure.kind === 'timed-out') {
      return warning(tool, `${tool}: \`${command}\` did not answer within ${PROBE_TIMEOUT_MS / 1000} s; its version was not checked`);
    }
    return problem(tool, `${tool} is on PATH but \`${command}\` failed (${failure.reason}): reinstall it: ${install}`);
  }
  const version = probe.parse(stdout);
  if (version === undefined) {
    return warning(tool, `${tool}: could not read a version from \`${command}\` (printed ${quoteFirstLine(stdout)}); expected ${pinned ?? 'a version'}`);
  }
  if (pinned !== null && version !== pinned) {
    return {
      tool,
      version,
      check: {
        name: tool,
        status: 'warning',
        detail: `${tool} ${version} found, ${pinned} pinned in clusters/versions.yaml: results may not match; ${install}`,
      },
    };
  }
  return { tool, version, check: { name: tool, status: 'ok', detail: `${tool} ${version}` } };
}

/**
 * The engine, not the client: `docker --version` answers without a daemon. `docker version --format
 * '{{json .Server}}'` prints the server's version object, or `null` and exits 1 with "Cannot connect to the Docker
 * daemon at unix:///var/run/docker.sock. Is the docker daemon running?" on stderr when there is none (seen with
 * Docker CLI 28.2.2 and no daemon; the same `"Server":null` in docker-archive/compose-cli#1515).
 */
async function checkDockerEngine(deps: PreflightDeps): Promise<ToolCheck> {
  const argv = ['docker', 'version', '--format', '{{json .Server}}'];
  let stdout: string;
  try {
    stdout = (await deps.runner.run(argv, { timeoutMs: PROBE_TIMEOUT_MS })).stdout;
  } catch (error) {
    const failure = classifyFailure(error);
    if (failure.kind === 'not-found') {
      return problem('docker', 'docker not found on PATH: install Docker Engine (https://docs.docker.com/engine/install/)');
    }
    return problem('docker', dockerUnreachable(failure.kind === 'timed-out' ? 'did not answer' : failure.reason, deps.env));
  }
  const server = parseDockerServerVersion(stdout);
  if (!server.reachable) return problem('docker', dockerUnreachable('no server in `docker version`', deps.env));
  const platform = server.os && server.arch ? ` (${server.os}/${server.arch})` : '';
  const engine = `docker engine ${server.version}${platform}`;
  const check = checkDockerApi(engine, server.apiVersion);
  return { tool: 'docker', version: server.version, check };
}

/** The engine's API must be new enough for `docker save --platform` (MIN_DOCKER_API_VERSION says why). */
function checkDockerApi(engine: string, apiVersion: string | undefined): PreflightCheck {
  const need =
    `the workload image is saved with \`docker save --platform\`, which needs Docker Engine API ${MIN_DOCKER_API_VERSION}+ ` +
    `(Docker 28+) so that \`kind load image-archive\` gets exactly the nodes' platform (kubernetes-sigs/kind#3795)`;
  const order = apiVersion === undefined ? undefined : compareApiVersions(apiVersion, MIN_DOCKER_API_VERSION);
  if (order === undefined) {
    const read = apiVersion === undefined ? 'no ApiVersion' : `ApiVersion ${JSON.stringify(apiVersion)}`;
    return { name: 'docker', status: 'warning', detail: `${engine}: ${read} in \`docker version\`, API not checked; ${need}` };
  }
  if (order < 0) {
    return {
      name: 'docker',
      status: 'problem',
      detail:
        `${engine} speaks API ${apiVersion}, too old: ${need}: ` +
        'upgrade Docker Engine to 28 or later (https://docs.docker.com/engine/install/)',
    };
  }
  return { name: 'docker', status: 'ok', detail: `${engine}, API ${apiVersion}` };
}

function dockerUnreachable(reason: string, env: PreflightDeps['env']): string {
  const where = env.DOCKER_HOST ? ` at DOCKER_HOST=${env.DOCKER_HOST}` : '';
  if (/permission denied/i.test(reason)) {
    // kind's known issues, "Docker permission denied": kind runs docker as the invoking user.
    return (
      `Docker engine${where} refused this user (${reason}): add the user to the docker group ` +
      '(sudo usermod -aG docker "$USER", then log in again)'
    );
  }
  return (
    `Docker engine not reachable${where} (${reason}): start it (sudo systemctl start docker, or start Docker Desktop), ` +
    'or point DOCKER_HOST / `docker context use` at a running engine'
  );
}

type Failure = { kind: 'not-found' } | { kind: 'timed-out' } | { kind: 'failed'; reason: string };

/** ExecaRunner reports a program that cannot start as a CommandError with no exit code and "ENOENT" in it. */
function classifyFailure(error: unknown): Failure {
  if (error instanceof CommandError) {
    if (error.exitCodeOfCommand === null) {
      if (/\bENOENT\b/.test(`${error.message}\n${error.output}`)) return { kind: 'not-found' };
      if (/timed out/i.test(`${error.message}\n${error.output}`)) return { kind: 'timed-out' };
    }
    return { kind: 'failed', reason: lastMeaningfulLine(error.output) ?? error.message };
  }
  return { kind: 'failed', reason: error instanceof Error ? error.message : String(error) };
}

function problem(tool: ToolName, detail: string): ToolCheck {
  return { tool, check: { name: tool, status: 'problem', detail } };
}

function warning(tool: ToolName, detail: string): ToolCheck {
  return { tool, check: { name: tool, status: 'warning', detail } };
}

// --- host limits ---

async function checkInotify(key: keyof typeof INOTIFY_MINIMUMS, fs: FileSystem): Promise<PreflightCheck> {
  const path = `/proc/sys/fs/inotify/${key}`;
  const minimum = INOTIFY_MINIMUMS[key];
  const name = `fs.inotify.${key}`;
  let text: string;
  try {
    text = await fs.readFile(path);
  } catch (error) {
    return {
      name,
      status: 'warning',
      detail: `cannot read ${path} (${errorCode(error)}): not checked; kind needs ${name} >= ${minimum} on the machine running Docker`,
    };
  }
  const value = parseProcInteger(text);
  if (value === undefined) {
    return { name, status: 'warning', detail: `${path} holds ${quoteFirstLine(text)}, not a number: not checked` };
  }
  if (value < minimum) {
    return {
      name,
      status: 'problem',
      detail:
        `${name} is ${value}, kind needs at least ${minimum} (kind known issues, "too many open files"): ` +
        `sudo sysctl ${name}=${minimum}`,
    };
  }
  return { name, status: 'ok', detail: `${name} ${value} (>= ${minimum})` };
}

async function checkMemory(neededBytes: number, fs: FileSystem): Promise<PreflightCheck> {
  const name = 'memory';
  let text: string;
  try {
    text = await fs.readFile('/proc/meminfo');
  } catch (error) {
    return { name, status: 'warning', detail: `cannot read /proc/meminfo (${errorCode(error)}): free memory not checked` };
  }
  const available = parseMemAvailableBytes(text);
  if (available === undefined) {
    return { name, status: 'warning', detail: '/proc/meminfo has no MemAvailable line (kernel older than 3.14?): free memory not checked' };
  }
  if (available < neededBytes) {
    return {
      name,
      status: 'problem',
      detail:
        `${formatGiB(available)} memory available (MemAvailable), the run needs ${formatGiB(neededBytes)}: ` +
        'stop other containers and programs (docker ps; kind get clusters) or use a larger machine',
    };
  }
  return { name, status: 'ok', detail: `memory ${formatGiB(available)} available (needs ${formatGiB(neededBytes)})` };
}

function checkCores(available: number, needed: number): PreflightCheck {
  if (available < needed) {
    return {
      name: 'cores',
      status: 'problem',
      detail: `${available} CPU core${available === 1 ? '' : 's'} available, the run needs ${needed}: use a machine with at least ${needed} cores`,
    };
  }
  return { name: 'cores', status: 'ok', detail: `cores ${available} (needs ${needed})` };
}

// --- pure parsers of upstream outputs ---

export type DockerServer =
  | { reachable: true; version: string; apiVersion?: string; os?: string; arch?: string }
  | { reachable: false };

/**
 * `docker version --format '{{json .Server}}'`: the engine's version object (docker/cli
 * docs/reference/commandline/version.md, "Dump raw JSON data": `"Server":{"Platform":…,"Version":"19.03.8",
 * "ApiVersion":"1.40",…,"Os":"linux","Arch":"amd64",…}`), or `null` without an engine.
 */
export function parseDockerServerVersion(stdout: string): DockerServer {
  const value = parseJson(stdout.trim());
  if (!isRecord(value) || typeof value.Version !== 'string' || value.Version === '') return { reachable: false };
  return {
    reachable: true,
    version: value.Version,
    ...(typeof value.ApiVersion === 'string' && value.ApiVersion !== '' ? { apiVersion: value.ApiVersion } : {}),
    ...(typeof value.Os === 'string' ? { os: value.Os } : {}),
    ...(typeof value.Arch === 'string' ? { arch: value.Arch } : {}),
  };
}

/**
 * Docker API versions are `<major>.<minor>` (1.47, 1.48, … 1.52): compared as numbers, so 1.100 is after 1.99.
 * Negative when `a` is older than `b`; undefined when either is not of that form.
 */
export function compareApiVersions(a: string, b: string): number | undefined {
  const pa = /^(\d+)\.(\d+)$/.exec(a.trim());
  const pb = /^(\d+)\.(\d+)$/.exec(b.trim());
  if (!pa || !pb) return undefined;
  return Number(pa[1]) - Number(pb[1]) || Number(pa[2]) - Number(pb[2]);
}

/**
 * `kind version` prints `"kind v" + Version() + " " + runtime.Version() + " " + GOOS/GOARCH` (DisplayVersion in
 * pkg/cmd/kind/version/version.go at v0.32.0), e.g. `kind v0.32.0 go1.26.3 linux/amd64`; pre-releases carry
 * `-alpha.N+commit`, kept as printed.
 */
export function parseKindVersion(stdout: string): string | undefined {
  return /^kind (v\d+\.\d+\.\d+\S*)/m.exec(stdout.trim())?.[1];
}

/**
 * `kubectl version --client --output json`: `{"clientVersion": {"gitVersion": "v1.25.2", …}, "kustomizeVersion": …}`
 * (staging/src/k8s.io/kubectl/pkg/cmd/version/version.go marshals its Version struct with MarshalIndent).
 */
export function parseKubectlClientVersion(stdout: string): string | undefined {
  const value = parseJson(stdout.trim());
  if (!isRecord(value) || !isRecord(value.clientVersion)) return undefined;
  const version = value.clientVersion.gitVersion;
  return typeof version === 'string' && /^v\d+\.\d+\.\d+/.test(version) ? version : undefined;
}

/**
 * `helm version --template '{{.Version}}'` prints just `v3.21.4` (no newline); `--short` prints `v3.21.4+g813176c`
 * (cmd/helm/version.go at v3.21.4: formatVersion). Both are accepted; the `+g<commit>` is dropped.
 */
export function parseHelmVersion(stdout: string): string | undefined {
  return /^(v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)(?:\+\S*)?$/.exec(stdout.trim())?.[1];
}

/**
 * `istioctl version --remote=false --output json`: `{"clientVersion": {"version": "1.30.3", "revision": …,
 * "golang_version": …, "status": "Clean", "tag": "1.30.3"}}` (pkg/version/cobra.go and version.go at 1.30.3: BuildInfo
 * json tags; no meshVersion with --remote=false). The short text form `client version: 1.30.3` is accepted too.
 */
export function parseIstioctlClientVersion(stdout: string): string | undefined {
  const text = stdout.trim();
  const value = parseJson(text);
  if (isRecord(value)) {
    const client = value.clientVersion;
    return isRecord(client) && typeof client.version === 'string' && client.version !== '' ? client.version : undefined;
  }
  return /^client version: (\S+)/m.exec(text)?.[1];
}

/**
 * `linkerd version --client --short` prints the bare version, e.g. `edge-26.8.3` (cli/cmd/version.go at edge-26.8.3:
 * `fmt.Fprintln(stdout, clientVersion)`); without --short, `Client version: edge-26.8.3`.
 */
export function parseLinkerdClientVersion(stdout: string): string | undefined {
  const first = stdout.trim().split('\n', 1)[0]?.trim() ?? '';
  const version = /^(?:Client version: )?((?:edge|stable|enterprise)-\S+|dev-\S+)$/.exec(first)?.[1];
  return version;
}

/**
 * `cilium version --client` first line: `cilium-cli: v0.19.7 compiled with go1.x on linux/amd64` (cilium-cli's
 * vendored cilium-cli/cli/version.go: `"cilium-cli: %s compiled with %v on %v/%v"`; sample output in
 * cilium/cilium-cli#1310). v0.16.0 printed an empty version (cilium/cilium-cli#2395): that reads as unknown.
 */
export function parseCiliumCliVersion(stdout: string): string | undefined {
  return /^cilium-cli: (v\d+\.\d+\.\d+\S*) compiled with /m.exec(stdout)?.[1];
}

/**
 * `openssl version`: "OpenSSL 3.0.13 30 Jan 2024 (Library: …)" (openssl-version(1): "the version number of the
 * OpenSSL library"); LibreSSL's openssl prints "LibreSSL 3.3.6".
 */
export function parseOpensslVersion(stdout: string): string | undefined {
  return /^(?:OpenSSL|LibreSSL) (\d+\.\d+\.\d+\S*)/m.exec(stdout)?.[1];
}

/** `/proc/meminfo`'s `MemAvailable:   12345678 kB` (proc(5): the kernel's estimate, in kibibytes), as bytes. */
export function parseMemAvailableBytes(meminfo: string): number | undefined {
  const kib = /^MemAvailable:\s+(\d+)\s+kB$/m.exec(meminfo)?.[1];
  return kib === undefined ? undefined : Number(kib) * 1024;
}

/** A /proc/sys value: one decimal integer and a newline. */
export function parseProcInteger(text: string): number | undefined {
  const trimmed = text.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : undefined;
}

// --- helpers ---

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lastMeaningfulLine(output: string): string | undefined {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && l !== 'null');
  return lines.at(-1);
}

function quoteFirstLine(text: string): string {
  const first = text.trim().split('\n', 1)[0] ?? '';
  return first === '' ? 'nothing' : JSON.stringify(first.length > 120 ? `${first.slice(0, 120)}…` : first);
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return error instanceof Error ? error.message : String(error);
}

function formatGiB(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}
