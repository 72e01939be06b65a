import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../src/core/errors.js';
import { runResultSchema } from '../src/core/result-schema.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { renderScale } from '../src/report/render-scale.js';
import { buildSystemScale } from '../src/scale/build-scale.js';
import { claimRatio, claimsFor, parseClaims } from '../src/scale/claims.js';
import { loadTwoSystemFixture } from './helpers/run-result-factory.js';
import { COUNTS, MB, WORKERS, container, istioLikeWindows } from './helpers/scale-fixtures.js';

const CLAIMS_PATH = 'clusters/claims.yaml';
const shipped = parseClaims(readFileSync(CLAIMS_PATH, 'utf8'), CLAIMS_PATH);
const scale = buildSystemScale({
  system: 'istio',
  nodes: 2,
  replicasPerNode: [1, 4, 8, 16],
  projection: { nodes: 100, pods: 1000 },
  windows: istioLikeWindows(0.5e6),
  claims: claimsFor('istio', shipped),
});

describe('the shipped claims file', () => {
  it('holds the issue’s claims, each with its wording and source, for the systems they name', () => {
    expect(shipped.map((c) => [c.claim.id, c.systems.join(',')])).toEqual([
      ['istio-sidecar-total', 'istio'],
      ['linkerd-total', 'linkerd'],
      ['cilium-total', 'cilium'],
      ['istio-ambient-total', 'istio-ambient'],
      ['sidecar-per-pod', 'istio,linkerd'],
      ['cilium-per-node', 'cilium'],
    ]);
    const total = shipped.find((c) => c.claim.id === 'istio-ambient-total')?.claim;
    expect(total).toMatchObject({ kind: 'mesh-total', nodes: 100, pods: 1000, lowBytes: 15e9, highBytes: 15e9 });
    expect(total?.wording).toContain('ambient ~15 GB');
    expect(shipped.find((c) => c.claim.id === 'cilium-per-node')?.claim).toMatchObject({ role: 'node-agent', lowBytes: 20e6, highBytes: 50e6 });
    for (const { claim } of shipped) expect(claim.source).toContain('issue 10');
  });

  it('refuses a claim whose memory it cannot read, or without the role it is about, naming the file and field', () => {
    const bad = 'claims:\n  - { id: x, wording: w, source: s, systems: [istio], kind: per-pod, memory: 5TB }\n';
    expect(() => parseClaims(bad, 'claims.yaml')).toThrow(InputError);
    expect(() => parseClaims(bad, 'claims.yaml')).toThrow('claims.yaml: claims[0].memory: must be a size like "50MB" or "100GB", or { low, high } of two, got "5TB"');
    const noRole = 'claims:\n  - { id: x, wording: w, source: s, systems: [istio], kind: per-pod, memory: 5MB }\n';
    expect(() => parseClaims(noRole, 'claims.yaml')).toThrow('claims.yaml: claims[0].role: a per-pod claim needs the role it is about');
  });
});

describe('measured ÷ claimed', () => {
  it('is one ratio for a figure and a pair for a range', () => {
    const claim = { id: 'a', wording: 'w', source: 's', kind: 'per-pod', role: 'sidecar-proxy', lowBytes: 50e6, highBytes: 200e6 } as const;
    expect(claimRatio(60e6, claim)).toEqual({ low: 0.3, high: 1.2 });
    expect(claimRatio(60e9, { ...claim, kind: 'mesh-total', lowBytes: 100e9, highBytes: 100e9 })).toEqual({ low: 0.6, high: 0.6 });
  });
});

describe('the report section', () => {
  let section: string;
  beforeEach(() => {
    section = renderScale({ systems: [{ id: 'istio', scale }] }) ?? '';
  });

  it('prints the projection per role and for the mesh at 100 nodes × 1000 pods', () => {
    expect(section).toContain('## Memory at scale (a measured model)');
    expect(section).toContain('Measured at 1, 4, 8, 16 replicas per node on 2 worker nodes; projected to 100 nodes × 1000 pods.');
    expect(section).toMatch(/\| sidecar-proxy \| per node, 8 points \| .* \| 60 MB \[\d+ MB, \d+ MB\] \| 60\.0 GB \[/);
    expect(section).toMatch(/\| control-plane \| per cluster, 4 points \| 80 MB \[.*\] once \|/);
    expect(section).toMatch(/\| mesh total \| {2}\| {2}\| {2}\| 60\.2 GB \[/);
  });

  it('prints each claim quoted and labelled as a claim, with measured ÷ claimed per condition', () => {
    expect(section).toContain('Public claims, **labelled as claims** (quoted, not measured here), beside the model:');
    const rows = section.split('\n').filter((l) => l.startsWith('| “'));
    expect(rows).toHaveLength(4);
    expect(rows[0]).toContain('“100 nodes, 1000 pods: classic Istio ~100 GB RAM');
    expect(rows[0]).toMatch(/\| 100\.0 GB \(mesh at 100 × 1000\) \| idle \| 60\.2 GB \[.*\] \| 0\.60× \| no \|$/);
    expect(rows[1]).toMatch(/\| load \| 70\.2 GB \[.*\] \| 0\.70× \| no \|$/);
    expect(rows[2]).toMatch(/“sidecars cost 50–200 MB per pod” .* \| 50 MB–200 MB \(sidecar-proxy per-pod\) \| idle \| 60 MB \[.*\] \| 0\.30×–1\.20× \| yes \|$/);
  });

  it('is part of the markdown report, after the resources, only for a result with a scale section', () => {
    const run = loadTwoSystemFixture();
    expect(renderMarkdown(run)).not.toContain('## Memory at scale');
    const withScale = runResultSchema.parse({ ...run, systems: run.systems.map((s) => (s.id === 'istio' ? { ...s, scale } : s)) });
    const markdown = renderMarkdown(withScale);
    expect(markdown).toContain('## Memory at scale (a measured model)');
    expect(markdown.indexOf('## Memory at scale')).toBeGreaterThan(markdown.indexOf('## Resources'));
  });
});

describe('a per-node claim', () => {
  it('is set beside the node agent’s fitted per-node term (Cilium: 40 MB per node + 0.2 MB per pod, truth known)', () => {
    const windows = COUNTS.map((count) => ({
      condition: 'idle' as const,
      replicasPerNode: count,
      podsByNode: Object.fromEntries(WORKERS.map((w) => [w, count])),
      containers: WORKERS.flatMap((node, n) => [
        // ±0.3 MB on alternate nodes: residuals, so the interval has a width.
        container('node-agent', node, `cilium-${n}`, 'cilium-agent', 40 * MB + 0.2 * MB * count + (n === 0 ? 0.3 : -0.3) * MB),
        ...Array.from({ length: count }, (_, i) => container('workload', node, `server-${n}-${i}`, 'server', 20 * MB)),
      ]),
    }));
    const cilium = buildSystemScale({
      system: 'cilium',
      nodes: 2,
      replicasPerNode: [...COUNTS],
      projection: { nodes: 100, pods: 1000 },
      windows,
      claims: claimsFor('cilium', shipped),
    });
    const rows = (renderScale({ systems: [{ id: 'cilium', scale: cilium }] }) ?? '').split('\n').filter((l) => l.startsWith('| “'));
    // Total: 100 × 40 MB + 1000 × 0.2 MB = 4.2 GB against "~5 GB"; per node 40 MB against 20–50 MB.
    expect(rows[0]).toMatch(/“100 nodes, 1000 pods: .* \| 5\.0 GB \(mesh at 100 × 1000\) \| idle \| 4\.2 GB \[.*\] \| 0\.84× \| no \|$/);
    expect(rows[1]).toMatch(/“Cilium 20–50 MB per node” .* \| 20 MB–50 MB \(node-agent per-node\) \| idle \| 40 MB \[.*\] \| 0\.80×–2\.00× \| yes \|$/);
  });
});
