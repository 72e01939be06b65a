import { meshTestContext, SHIPPED_VERSIONS } from './helpers/mesh-context.js';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { CiliumL7Mesh } from '../src/mesh/cilium-l7-mesh.js';
import { CiliumMesh } from '../src/mesh/cilium-mesh.js';
import { CiliumWireguardMesh } from '../src/mesh/cilium-wireguard-mesh.js';
import type { MeshAdapter } from '../src/mesh/mesh-adapter.js';
import type { Operation, RunOperation } from '../src/platform/operations.js';
import type { Versions } from '../src/platform/versions.js';

const VERSIONS = SHIPPED_VERSIONS;

const context = meshTestContext;

const ADAPTERS: MeshAdapter[] = [new CiliumMesh(), new CiliumWireguardMesh(), new CiliumL7Mesh()];

function runOps(ops: Operation[]): RunOperation[] {
  return ops.filter((o): o is RunOperation => o.op === 'run');
}

function flagValue(argv: readonly string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

function installOp(ops: Operation[]): RunOperation {
  const op = runOps(ops).find((o) => o.argv[1] === 'install');
  if (!op) throw new Error('no cilium install operation');
  return op;
}

describe('Cilium install plans', () => {
  it('are the three systems, each on the kind config without a CNI and needing only the cilium CLI', () => {
    expect(ADAPTERS.map((a) => a.id)).toEqual(['cilium', 'cilium-wireguard', 'cilium-l7']);
    for (const a of ADAPTERS) {
      expect(a.kindConfig).toBe('no-cni');
      expect(a.tools).toEqual(['cilium']);
      expect(a.namespaceLabels(context(a.id))).toEqual({});
      expect(a.postDeployOperations(context(a.id))).toEqual([]);
      expect(a.description.length).toBeGreaterThan(0);
    }
  });

  for (const adapter of ADAPTERS) {
    it(`match the golden transcript for ${adapter.id}`, async () => {
      // Literal blocks, no folding: the values file reads in the golden as it will on disk.
      const transcript = stringify(adapter.installOperations(context(adapter.id)), { lineWidth: 0, blockQuote: 'literal' });
      await expect(transcript).toMatchFileSnapshot(
        `./fixtures/mesh/cilium/${adapter.id}.install-operations.yaml`,
      );
    });
  }

  it('install the pinned chart version from the pinned repository (cilium-cli would otherwise use its embedded default)', () => {
    const pins = VERSIONS.meshes.cilium;
    const argv = installOp(new CiliumMesh().installOperations(context('cilium'))).argv;
    expect(argv.slice(0, 2)).toEqual(['cilium', 'install']);
    expect(flagValue(argv, '--version')).toBe(pins.chartVersion);
    expect(flagValue(argv, '--repository')).toBe(pins.chartRepository);

    const other: Versions = { ...VERSIONS, meshes: { ...VERSIONS.meshes, cilium: { ...pins, chartVersion: '1.20.1' } } };
    const moved = installOp(new CiliumMesh().installOperations(context('cilium', { versions: other }))).argv;
    expect(flagValue(moved, '--version')).toBe('1.20.1');
  });

  it('write the values file into the run directory before cilium install reads it', () => {
    for (const adapter of ADAPTERS) {
      const ctx = context(adapter.id);
      const ops = adapter.installOperations(ctx);
      const writeIndex = ops.findIndex((o) => o.op === 'write-file');
      const write = ops[writeIndex];
      if (write?.op !== 'write-file') throw new Error('no write-file operation');
      expect(write.path.startsWith(`${ctx.workDir}/`)).toBe(true);
      const install = installOp(ops);
      expect(ops.indexOf(install)).toBeGreaterThan(writeIndex);
      expect(flagValue(install.argv, '--values')).toBe(write.path);
    }
  });

  it('pass the run kubeconfig to every cilium command, and the context only when there is one', () => {
    for (const adapter of ADAPTERS) {
      const kind = context(adapter.id);
      for (const op of runOps(adapter.installOperations(kind))) {
        expect(op.argv[0]).toBe('cilium');
        expect(flagValue(op.argv, '--kubeconfig')).toBe(kind.kubeconfig);
        expect(op.argv).not.toContain('--context');
      }
      const existing = context(adapter.id, { context: 'lab-admin@lab' });
      for (const op of runOps(adapter.installOperations(existing))) {
        expect(flagValue(op.argv, '--kubeconfig')).toBe(existing.kubeconfig);
        expect(flagValue(op.argv, '--context')).toBe('lab-admin@lab');
      }
    }
  });

  it('wait for Cilium with the CLI, then name each component in a rollout wait', () => {
    const ops = new CiliumMesh().installOperations(context('cilium'));
    const status = runOps(ops).find((o) => o.argv[1] === 'status');
    if (!status) throw new Error('no cilium status operation');
    expect(ops.indexOf(status)).toBeGreaterThan(ops.indexOf(installOp(ops)));
    expect(status.argv).toContain('--wait');
    expect(flagValue(status.argv, '--wait-duration')).toBe('10m');
    expect(status.argv).toContain('--interactive=false');
    // The CLI gives up first and says why; the operation's own timeout is only the backstop.
    expect(status.timeoutMs).toBeGreaterThan(10 * 60_000);

    const waits = ops.flatMap((o) => (o.op === 'wait-rollout' ? [`${o.kind} ${o.namespace}/${o.name}`] : []));
    expect(waits).toEqual([
      'DaemonSet kube-system/cilium',
      'Deployment kube-system/cilium-operator',
      'DaemonSet kube-system/cilium-envoy',
      'Deployment kube-system/hubble-relay',
    ]);
    expect(ops.findIndex((o) => o.op === 'wait-rollout')).toBeGreaterThan(ops.indexOf(status));
  });

  it('differ between the systems only in the values file', () => {
    const strip = (ops: Operation[]) => ops.map((o) => (o.op === 'write-file' ? { ...o, content: '' } : o));
    const ctx = context('x');
    const [plain, wireguard, l7] = ADAPTERS.map((a) => strip(a.installOperations(ctx)));
    expect(wireguard).toEqual(plain);
    expect(l7).toEqual(plain);
  });
});
