import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseKindConfig } from '../../src/platform/kind-config.js';
import { adminKubeconfig, makeControlPlaneCerts, type ControlPlaneCerts } from './control-plane-certs.js';
import { startKubeletFronts, type KubeletFronts } from './control-plane-kubelets.js';
import { REPO, type ControlPlaneBinaries } from './control-plane-tools.js';

/**
 * A real Kubernetes control plane on loopback for the cluster tests (`npm run test:cluster`): etcd, kube-apiserver,
 * kube-controller-manager and kube-scheduler built from the Go module proxy, and kwok (Kubernetes WithOut Kubelet)
 * in place of kubelets. Nodes are shaped like our kind clusters (clusters/kind/default.yaml: a tainted control-plane
 * node and two workers carrying the `mesh-bench/role` labels). kwok moves pods through its general lifecycle stages
 * (Pending → init → Running → Ready, with delays) so rollouts are waited for as on a cluster; an exec into any
 * container runs the command on this host in the repository (kwok ClusterExec `local`), with service names
 * (*.svc.cluster.local) resolved to `serviceAddress` (a loopback address the test serves on); each node's kubelet
 * `/metrics/resource` is kwok's emulation of it, reached through the API server's node proxy (control-plane-kubelets.ts).
 *
 * Every process runs in its own process group and is stopped by group (SIGTERM, then SIGKILL), also when the test
 * process exits without calling stop().
 */
export interface ControlPlane {
  /** Run-private kubeconfig (admin client certificate), mode 0600. */
  kubeconfig: string;
  context: string;
  server: string;
  dir: string;
  /** Node names: control plane first, then the workers, as kind names them. */
  nodes: string[];
  /** Loopback address that *.svc.cluster.local resolves to inside emulated execs. */
  serviceAddress: string;
  /**
   * An exec into a `server` container gets PORT=<this> (the workload server's own port variable), so a command that
   * asks the server in its own pod (`127.0.0.1:$PORT`, e.g. read-evidence.js) reaches the test's server there.
   */
  serverPodPort: number;
  /** Milliseconds from start to every node Ready. */
  startupMs: number;
  kubectl(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }>;
  /**
   * Makes kwok stop (or resume) playing the kubelet of `node`: its status is then only what the test writes, as
   * with a kubelet that died. Resuming lets kwok initialise it again (Ready).
   */
  pauseKubelet(node: string, paused: boolean): Promise<void>;
  /** Process ids of the components (each leads its own process group). */
  pids(): number[];
  /** The tail of each component's log, for a failing test's message. */
  logs(lines?: number): string;
  stop(): Promise<void>;
}

export interface ControlPlaneOptions {
  binaries: ControlPlaneBinaries;
  /** Prefix of the node names, like kind's cluster name (`<name>-control-plane`, `<name>-worker`, …). */
  name?: string;
  /** The kind config whose nodes are emulated; default clusters/kind/default.yaml. */
  kindConfig?: string;
}

const NODE_CAPACITY = { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' };
const KUBELET_PORT = 10250;
const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';
const SERVICE_CIDR = '10.96.0.0/16';
const SERVICE_IP = '10.96.0.1';
/** TEST-NET-1 (RFC 5737): recorded in objects, never dialled (see control-plane-kubelets.ts). */
const ADVERTISE_IP = '192.0.2.1';
const nodeAddress = (i: number): string => `192.0.2.${10 + i}`;

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

interface Component {
  name: string;
  child: ChildProcess;
  log: string;
}

export async function startControlPlane(o: ControlPlaneOptions): Promise<ControlPlane> {
  const started = Date.now();
  const b = o.binaries;
  const name = o.name ?? 'kwok';
  // Short: the egress socket path must fit a Unix socket name (108 bytes).
  const dir = mkdtempSync(join(tmpdir(), 'mbcp-'));
  const components: Component[] = [];
  let fronts: KubeletFronts | null = null;

  const start = (component: string, cmd: string, args: string[]): Component => {
    const log = join(dir, `${component}.log`);
    const fd = openSync(log, 'a', 0o600);
    const child = spawn(cmd, args, { cwd: dir, detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, KUBECONFIG: join(dir, 'kubeconfig') } });
    closeSync(fd);
    running.add(child);
    child.on('exit', () => running.delete(child));
    // A binary that cannot start (missing, not executable) shows in the waits below as an exited component.
    child.on('error', (e) => writeFileSync(log, `cannot start ${cmd}: ${e.message}\n`, { flag: 'a' }));
    const c = { name: component, child, log };
    components.push(c);
    return c;
  };

  const logs = (lines = 15): string =>
    components
      .map((c) => {
        let text = '';
        try {
          text = readFileSync(c.log, 'utf8');
        } catch {
          text = '(no log)';
        }
        return `--- ${c.name} (last ${lines} lines)\n${text.trimEnd().split('\n').slice(-lines).join('\n')}`;
      })
      .join('\n');

  const stop = async (): Promise<void> => {
    for (const c of [...components].reverse()) {
      killGroup(c.child, 'SIGTERM');
      const exited = await exitWithin(c.child, 5000);
      if (!exited) {
        killGroup(c.child, 'SIGKILL');
        await exitWithin(c.child, 5000);
      }
    }
    await fronts?.close();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const ports = { etcd: await freePort(), etcdPeer: await freePort(), apiserver: await freePort(), kwok: await freePort() };
    const certs = makeControlPlaneCerts(dir, { serviceIp: SERVICE_IP, advertiseIp: ADVERTISE_IP });
    const server = `https://127.0.0.1:${ports.apiserver}`;
    const context = `kwok-${name}`;
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, adminKubeconfig(certs, server, context), { mode: 0o600 });

    const etcdUrl = `http://127.0.0.1:${ports.etcd}`;
    const etcd = start('etcd', b.etcd, [
      '--name=default',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
      `--initial-cluster=default=http://127.0.0.1:${ports.etcdPeer}`,
      // A test cluster: losing it on a crash costs nothing, and fsync on a shared disk costs seconds.
      '--unsafe-no-fsync',
      '--log-level=warn',
    ]);
    await waitFor('etcd health', etcd, 20_000, () => plainGet(`${etcdUrl}/health`).then((t) => t.includes('"health":"true"')), logs);

    const nodeSpecs = kindNodes(o.kindConfig ?? join(REPO, 'clusters', 'kind', 'default.yaml'), name);
    const egressSocket = join(dir, 'egress.sock');
    fronts = await startKubeletFronts({
      socketPath: egressSocket,
      nodes: nodeSpecs.map((n, i) => ({ name: n.name, address: nodeAddress(i) })),
      kubeletPort: KUBELET_PORT,
      kwokPort: ports.kwok,
      tls: { cert: certs.servingCert, key: certs.servingKey },
    });
    const egressConfig = join(dir, 'egress.yaml');
    writeFileSync(
      egressConfig,
      [
        'apiVersion: apiserver.k8s.io/v1beta1',
        'kind: EgressSelectorConfiguration',
        'egressSelections:',
        '- name: cluster',
        '  connection:',
        '    proxyProtocol: HTTPConnect',
        '    transport:',
        '      uds:',
        `        udsName: ${egressSocket}`,
        '',
      ].join('\n'),
    );
    const apiserver = start('kube-apiserver', b.kubeApiserver, [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${ports.apiserver}`,
      `--advertise-address=${ADVERTISE_IP}`,
      `--cert-dir=${join(dir, 'apiserver-certs')}`,
      `--tls-cert-file=${certs.servingCert}`,
      `--tls-private-key-file=${certs.servingKey}`,
      `--client-ca-file=${certs.caCert}`,
      '--authorization-mode=Node,RBAC',
      `--service-account-issuer=https://kubernetes.default.svc.cluster.local`,
      `--service-account-key-file=${certs.serviceAccountPub}`,
      `--service-account-signing-key-file=${certs.serviceAccountKey}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      `--egress-selector-config-file=${egressConfig}`,
      // kwok nodes carry an InternalIP only; the default order asks for the Hostname first.
      '--kubelet-preferred-address-types=InternalIP',
      '--profiling=false',
    ]);
    await waitFor('kube-apiserver /readyz', apiserver, 60_000, () => tlsGet(`${server}/readyz`, certs).then((t) => t.trim() === 'ok'), logs);

    const common = [`--kubeconfig=${kubeconfig}`, '--leader-elect=false', '--bind-address=127.0.0.1', '--secure-port=0'];
    start('kube-controller-manager', b.kubeControllerManager, [
      ...common,
      `--service-account-private-key-file=${certs.serviceAccountKey}`,
      `--root-ca-file=${certs.caCert}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
    ]);
    start('kube-scheduler', b.kubeScheduler, common);

    const serviceAddress = `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
    const kwokConfig = join(dir, 'kwok.yaml');
    const serverPodPort = await freePort();
    writeFileSync(kwokConfig, kwokConfiguration(b.kwokUpstream, serviceAddress, serverPodPort));
    start('kwok', b.kwok, [
      `--kubeconfig=${kubeconfig}`,
      `--config=${kwokConfig}`,
      // Nodes annotated kwok.x-k8s.io/node=fake; another value pauses kwok on that node (pauseKubelet).
      `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
      `--server-address=127.0.0.1:${ports.kwok}`,
      '--node-lease-duration-seconds=40',
      '--cidr=10.244.0.1/16',
    ]);

    const kubectl = (args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> =>
      runKubectl(b.kubectl, ['--kubeconfig', kubeconfig, ...args], stdin);
    const nodesYaml = nodeSpecs.map((n, i) => nodeManifest(n, nodeAddress(i))).join('---\n');
    const created = await kubectl(['create', '-f', '-'], nodesYaml);
    if (created.code !== 0) throw new Error(`creating the kwok nodes failed: ${created.stderr}`);
    await waitFor('every node Ready', apiserver, 30_000, async () => {
      const r = await kubectl(['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}']);
      const states = r.stdout.split('\n').filter(Boolean);
      return r.code === 0 && states.length === nodeSpecs.length && states.every((s) => s === 'True');
    }, logs);
    // Pods need the namespace's default ServiceAccount, which the controller manager creates.
    await waitFor('default ServiceAccount', apiserver, 30_000, async () => (await kubectl(['get', 'serviceaccount', 'default', '-n', 'default'])).code === 0, logs);

    return {
      kubeconfig,
      context,
      server,
      dir,
      nodes: nodeSpecs.map((n) => n.name),
      serviceAddress,
      serverPodPort,
      startupMs: Date.now() - started,
      kubectl,
      pauseKubelet: async (node, paused) => {
        const r = await kubectl(['annotate', 'node', node, '--overwrite', `${KWOK_NODE_ANNOTATION}=${paused ? 'paused' : 'fake'}`]);
        if (r.code !== 0) throw new Error(`annotating node ${node} failed: ${r.stderr}`);
      },
      pids: () => components.map((c) => c.child.pid).filter((pid): pid is number => pid !== undefined),
      logs,
      stop,
    };
  } catch (error) {
    const detail = logs();
    await stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${detail}`);
  }
}

interface NodeSpec {
  name: string;
  controlPlane: boolean;
  labels: Record<string, string>;
}

/** The nodes of a kind config, named as kind names them (`<name>-control-plane`, `<name>-worker`, `<name>-worker2`). */
function kindNodes(path: string, name: string): NodeSpec[] {
  const config = parseKindConfig(readFileSync(path, 'utf8'), path);
  const nodes = config.nodes && config.nodes.length ? config.nodes : [{ role: 'control-plane' as const }];
  let workers = 0;
  let controlPlanes = 0;
  return nodes.map((n) => {
    const controlPlane = (n.role ?? 'control-plane') === 'control-plane';
    const index = controlPlane ? ++controlPlanes : ++workers;
    const suffix = `${controlPlane ? 'control-plane' : 'worker'}${index > 1 ? index : ''}`;
    return { name: `${name}-${suffix}`, controlPlane, labels: { ...(n.labels ?? {}) } };
  });
}

function nodeManifest(n: NodeSpec, address: string): string {
  const labels: Record<string, string> = {
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/os': 'linux',
    'kubernetes.io/hostname': n.name,
    ...(n.controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
    ...n.labels,
  };
  const node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: n.name, labels, annotations: { [KWOK_NODE_ANNOTATION]: 'fake' } },
    spec: n.controlPlane ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } : {},
    status: {
      // Both types present: kwok's node-initialize stage then leaves the list alone (it rewrites it when one is missing).
      addresses: [
        { type: 'InternalIP', address },
        { type: 'Hostname', address: n.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: KUBELET_PORT } },
      capacity: NODE_CAPACITY,
      allocatable: NODE_CAPACITY,
    },
  };
  return `${JSON.stringify(node)}\n`;
}

/**
 * kwok's configuration: its own upstream lifecycle stages and kubelet metric emulation (copied from its module by
 * the build script), plus ours: execs run on this host in the repository with service names resolved to loopback,
 * and container usage figures of the order our pods use (server busier than idle, load client busiest).
 */
function kwokConfiguration(upstream: string, serviceAddress: string, serverPodPort: number): string {
  const files = readdirSync(upstream).filter((f) => f.endsWith('.yaml')).sort();
  const docs = files.map((f) => readFileSync(join(upstream, f), 'utf8').trim());
  const preload = join(REPO, 'test', 'cluster', 'service-dns.cjs');
  const envs = [
    { name: 'NODE_OPTIONS', value: `--require=${preload}` },
    { name: 'MESH_BENCH_TEST_SERVICE_ADDRESS', value: serviceAddress },
  ];
  docs.push(
    JSON.stringify({
      apiVersion: 'kwok.x-k8s.io/v1alpha1',
      kind: 'ClusterExec',
      metadata: { name: 'run-on-host' },
      spec: {
        execs: [
          { containers: ['server'], local: { workDir: REPO, envs: [...envs, { name: 'PORT', value: String(serverPodPort) }] } },
          { local: { workDir: REPO, envs } },
        ],
      },
    }),
    JSON.stringify({
      apiVersion: 'kwok.x-k8s.io/v1alpha1',
      kind: 'ClusterResourceUsage',
      metadata: { name: 'mesh-bench-usage' },
      spec: {
        usages: [
          { containers: ['server'], usage: { cpu: { value: '300m' }, memory: { value: '48Mi' } } },
          { containers: ['load'], usage: { cpu: { value: '700m' }, memory: { value: '96Mi' } } },
          { usage: { cpu: { value: '5m' }, memory: { value: '20Mi' } } },
        ],
      },
    }),
  );
  return `${docs.join('\n---\n')}\n`;
}

function exitWithin(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function waitFor(what: string, owner: Component, timeoutMs: number, probe: () => Promise<boolean>, logs: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (owner.child.exitCode !== null || owner.child.signalCode !== null) {
      throw new Error(`${owner.name} exited (${owner.child.exitCode ?? owner.child.signalCode}) while waiting for ${what}`);
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${logs()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function plainGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    httpGet(url, { timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

function tlsGet(url: string, certs: ControlPlaneCerts): Promise<string> {
  return new Promise((resolve, reject) => {
    httpsGet(
      url,
      { ca: readFileSync(certs.caCert), cert: readFileSync(certs.adminCert), key: readFileSync(certs.adminKey), timeout: 2000 },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve(body));
      },
    ).on('error', reject);
  });
}

function runKubectl(kubectl: string, args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(kubectl, args, { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    if (stdin !== undefined) child.stdin?.end(stdin);
    else child.stdin?.end();
  });
}
