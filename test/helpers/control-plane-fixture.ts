import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { startLocalChain, type LocalChain } from '../../src/workload/local-servers.js';
import { SERVER_PORT } from '../../src/platform/manifests.js';
import { COREDNS } from '../../src/platform/cluster-plan.js';
import { startControlPlane, type ControlPlane } from './control-plane.js';
import { findControlPlaneBinaries, REPO, type ControlPlaneBinaries } from './control-plane-tools.js';

/**
 * One real control plane per test file (test/cluster/*.test.ts). Where the tools are not built (no Go on this
 * machine, or build-tools.sh not run), prints ONE line and `available` is false: wrap the tests in
 * describe.skipIf(!suite.available). Set REQUIRE_CONTROL_PLANE=1 (CI with Go) to make absence an error instead.
 */
export interface ControlPlaneSuite {
  available: boolean;
  binaries(): ControlPlaneBinaries;
  cp(): ControlPlane;
}

export function controlPlaneSuite(what: string): ControlPlaneSuite {
  const found = findControlPlaneBinaries();
  if (!found.ok) {
    const line = `skipped ${what}: ${found.reason}`;
    if (process.env['REQUIRE_CONTROL_PLANE'] === '1') throw new Error(`REQUIRE_CONTROL_PLANE=1 but ${line}`);
    console.warn(line);
  }
  let cp: ControlPlane | null = null;
  if (found.ok) {
    beforeAll(async () => {
      cp = await startControlPlane({ binaries: found.binaries });
    }, 90_000);
    afterAll(async () => {
      await cp?.stop();
    }, 60_000);
  }
  return {
    available: found.ok,
    binaries: () => {
      if (!found.ok) throw new Error(found.reason);
      return found.binaries;
    },
    cp: () => {
      if (!cp) throw new Error('the control plane is not running (guard with describe.skipIf(!suite.available))');
      return cp;
    },
  };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The built CLI (dist/) with the control plane's kubectl first on PATH, as a user with the pinned tools runs it. */
export function benchCli(binaries: ControlPlaneBinaries, args: string[], o: { onStderr?: (all: string) => void } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, PATH: `${dirname(binaries.kubectl)}:${process.env.PATH ?? ''}` };
    const child = spawn(process.execPath, ['bin/bench.js', ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      o.onStderr?.(stderr);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The cluster's Service `server-1` as the emulated load client sees it: the real workload server on loopback, behind
 * a pass-through listener on `<serviceAddress>:8080` that tells the test when the load's connections arrive (a step
 * has started) and counts them; and the same server on `127.0.0.1:<serverPodPort>`, where an exec into the server
 * container looks for its own server.
 */
export interface ServedWorkload {
  connections: number;
  /** Resolves at the next connection to arrive. */
  nextConnection(): Promise<void>;
  stop(): Promise<void>;
}

export async function serveWorkload(cp: Pick<ControlPlane, 'serviceAddress' | 'serverPodPort'>): Promise<ServedWorkload> {
  const chain: LocalChain = await startLocalChain({ hops: 1, responseBytes: 256, serviceDelayUs: 0 });
  const upstream = new URL(chain.url);
  const sockets = new Set<Socket>();
  let waiters: Array<() => void> = [];
  const state = { connections: 0 };
  const passThrough = (counted: boolean) => (client: Socket): void => {
    if (counted) {
      state.connections++;
      for (const w of waiters) w();
      waiters = [];
    }
    const server = connect(Number(upstream.port), upstream.hostname);
    sockets.add(client).add(server);
    client.pipe(server).pipe(client);
    const drop = (): void => {
      client.destroy();
      server.destroy();
    };
    client.on('error', drop).on('close', drop);
    server.on('error', drop).on('close', drop);
  };
  // The Service as the load client reaches it, and the server's own port as its pod's execs reach it (not counted).
  const listeners: Server[] = [createServer(passThrough(true)), createServer(passThrough(false))];
  const listen = (l: Server, port: number, host: string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      l.once('error', reject);
      l.listen(port, host, () => resolve());
    });
  await listen(listeners[0]!, SERVER_PORT, cp.serviceAddress);
  await listen(listeners[1]!, cp.serverPodPort, '127.0.0.1');
  return {
    get connections() {
      return state.connections;
    },
    nextConnection: () => new Promise<void>((resolve) => waiters.push(resolve)),
    async stop() {
      for (const s of sockets) s.destroy();
      for (const l of listeners) await new Promise<void>((resolve) => l.close(() => resolve()));
      await chain.stop();
    },
  };
}

/**
 * kind's clusters run CoreDNS (kubeadm's add-on), which the kind platform waits for: the same Deployment shape,
 * applied to the control plane (kwok runs its pods).
 */
export async function applyKindCoreDns(cp: Pick<ControlPlane, 'kubectl'>, replicas: number): Promise<{ code: number; stderr: string }> {
  const labels = { 'k8s-app': 'kube-dns' };
  const coredns = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: COREDNS.name, namespace: COREDNS.namespace, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.12.1' }] } },
    },
  };
  return cp.kubectl(['apply', '-f', '-'], JSON.stringify(coredns));
}
