import { describe, expect, it } from 'vitest';
import { renderVerdicts } from '../src/report/render-verdicts.js';
import { runWithBaseline, runWithoutBaseline } from './helpers/verdict-run-factory.js';

// The whole verdict section, line by line, for the two runs of test/helpers/verdict-run-factory.ts. Every repetition
// of a step has the same p50 and p99, so each number below follows from the fixture by hand:
// - istio-ambient 340/710 µs (1000 req/s) and 280/460 (16 connections) against its unmeshed namespace's 300/500 and
//   250/450: +40 (+13.3%), +210 (+42.0%); +30 (+12.0%), +10 (+2.2%).
// - istio 490/1480 and 400/1200 against baseline's 290/480 and 250/450: +200 (+69.0%), +1000 (+208.3%); +150 (+60.0%),
//   +750 (+166.7%). cilium 320/600 and 260/470: +30 (+10.3%), +120 (+25.0%); +10 (+4.0%), +20 (+4.4%).
// - data plane: ztunnel 3 × 15 MiB and 30 m at 1000 req/s: 90 m; istio 2 sidecars × 40 MiB and 100 m at 2000 req/s:
//   100 m; cilium 3 nodes × 150 MiB and 60 m: 180 m. 5 v 5 identical repetitions all on one side: p = 2/252 = 0.008.

describe('the verdict section of a run with a baseline, every line', () => {
  it('opens with the mixed within/across-cluster paragraph, then the table, a sentence per mesh, the caveats and the full legend', () => {
    expect(renderVerdicts(runWithBaseline()).split('\n')).toEqual([
      "## Verdict",
      "",
      "Each mesh is compared with its own unmeshed namespace in the same cluster where it has one that isolates the mesh (within cluster: same nodes and CNI, only enrolment differs), otherwise with baseline (across clusters); the table says which.",
      "",
      "| system | load | compared with | added p50 | p (p50) | added p99 | p (p99) | data plane per meshed pod | data plane per node | data-plane CPU per 1000 req/s |",
      "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
      "| istio-ambient | 1000 req/s | istio-ambient/unmeshed (within cluster) | +40 µs [+40, +40] (+13.3%) | 0.008, significant | +210 µs [+210, +210] (+42.0%) | 0.008, significant | n/a | 15.0 MiB (3 nodes) | 90 m [90–90] |",
      "| istio-ambient | 16 connections | istio-ambient/unmeshed (within cluster) | +30 µs [+30, +30] (+12.0%) | 0.008, significant | +10 µs [+10, +10] (+2.2%) | 0.008, significant | n/a | 15.0 MiB (3 nodes) | 90 m [90–90] |",
      "| istio | 1000 req/s | baseline (across clusters) | +200 µs [+200, +200] (+69.0%) | 0.008, significant | +1.00 ms [+1.00, +1.00] (+208.3%) | 0.008, significant | 40.0 MiB (2 pods) | n/a | 100 m [100–100] |",
      "| istio | 16 connections | baseline (across clusters) | +150 µs [+150, +150] (+60.0%) | 0.008, significant | +750 µs [+750, +750] (+166.7%) | 0.008, significant | 40.0 MiB (2 pods) | n/a | 100 m [100–100] |",
      "| cilium | 1000 req/s | baseline (across clusters) | +30 µs [+30, +30] (+10.3%) | 0.008, significant | +120 µs [+120, +120] (+25.0%) | 0.008, significant | n/a | 150.0 MiB (3 nodes) | 180 m [180–180] |",
      "| cilium | 16 connections | baseline (across clusters) | +10 µs [+10, +10] (+4.0%) | 0.008, significant | +20 µs [+20, +20] (+4.4%) | 0.008, significant | n/a | 150.0 MiB (3 nodes) | 180 m [180–180] |",
      "",
      "- Against its own unmeshed namespace in the same cluster, istio-ambient added 210 µs [210–210] (+42.0%) to p99 at 1000 req/s, p=0.008; added 10 µs [10–10] (+2.2%) to p99 at 16 connections, p=0.008.",
      "- Against baseline in another cluster, istio added 1.00 ms [1.00–1.00] (+208.3%) to p99 at 1000 req/s, p=0.008; added 750 µs [750–750] (+166.7%) to p99 at 16 connections, p=0.008.",
      "- Against baseline in another cluster, cilium added 120 µs [120–120] (+25.0%) to p99 at 1000 req/s, p=0.008; added 20 µs [20–20] (+4.4%) to p99 at 16 connections, p=0.008.",
      "",
      "What the comparisons can and cannot say:",
      "",
      "- istio-ambient against istio-ambient/unmeshed: accounts for repetition-to-repetition variation; no install effect (same cluster, variants interleaved).",
      "- istio against baseline: accounts for repetition-to-repetition variation only: one install each, so not install-to-install variation.",
      "- cilium is compared across clusters — Cilium is the CNI: its unmeshed namespace runs on Cilium too, so only the baseline comparison shows its cost.",
      "- cilium against baseline: accounts for repetition-to-repetition variation only: one install each, so not install-to-install variation.",
      "",
      "*added*: the system minus what it is compared with, same load, over valid repetitions, with its 95% interval and the change relative to the other's median; p from the comparison's two-sided test (the method is under *Added latency*); *significant* when the interval excludes 0 and p < 0.05 (and, across clusters, the shift exceeds install-to-install variation where that was measured). *within cluster*: the same cluster's unmeshed namespace; *across clusters*: another cluster on the same machine, so the difference includes the cluster set-up. *data plane per meshed pod*: sidecar proxies' working-set memory ÷ pods with a sidecar; *per node*: node agents' (ztunnel, istio-cni, cilium-agent, cilium-envoy) ÷ nodes running one; n/a where the system has none. *data-plane CPU per 1000 req/s*: the mean CPU of sidecars, node agents and waypoints on every node per 1000 req/s of throughput, per repetition, then the median (with its interval where one role is the whole data plane; summed over the roles otherwise). Memory: medians over repetitions; per role under Resources. The method and the details follow; every comparison made is listed under *Added latency*.",
    ]);
  });
});

describe('the verdict section of a run without a baseline, as the job summary renders it', () => {
  it('has the no-baseline paragraph, the meshes against each other under a heading one level down, and the short legend', () => {
    expect(renderVerdicts(runWithoutBaseline(), { heading: '###', shortLegend: true }).split('\n')).toEqual([
      "### Verdict",
      "",
      "No baseline cluster was measured in this run, so each mesh is compared with its own unmeshed namespace in the same cluster (same nodes and CNI; only enrolment differs), and the meshes with each other across clusters (below the table).",
      "",
      "| system | load | compared with | added p50 | p (p50) | added p99 | p (p99) | data plane per meshed pod | data plane per node | data-plane CPU per 1000 req/s |",
      "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
      "| cilium | 1000 req/s | cilium/unmeshed (within cluster) | 0 µs [0, 0] (0.0%) | 1.000, not significant | 0 µs [0, 0] (0.0%) | 1.000, not significant | n/a | 150.0 MiB (3 nodes) | 180 m [180–180] |",
      "| cilium | 16 connections | cilium/unmeshed (within cluster) | 0 µs [0, 0] (0.0%) | 1.000, not significant | 0 µs [0, 0] (0.0%) | 1.000, not significant | n/a | 150.0 MiB (3 nodes) | 180 m [180–180] |",
      "| istio-ambient | 1000 req/s | istio-ambient/unmeshed (within cluster) | +40 µs [+40, +40] (+13.3%) | 0.008, significant | +210 µs [+210, +210] (+42.0%) | 0.008, significant | n/a | 15.0 MiB (3 nodes) | 90 m [90–90] |",
      "| istio-ambient | 16 connections | istio-ambient/unmeshed (within cluster) | +30 µs [+30, +30] (+12.0%) | 0.008, significant | +10 µs [+10, +10] (+2.2%) | 0.008, significant | n/a | 15.0 MiB (3 nodes) | 90 m [90–90] |",
      "",
      "- Against its own unmeshed namespace in the same cluster, cilium made no significant difference to p99 at 1000 req/s (0 µs [0, 0], p=1.000, n=5); made no significant difference to p99 at 16 connections (0 µs [0, 0], p=1.000, n=5).",
      "- Against its own unmeshed namespace in the same cluster, istio-ambient added 210 µs [210–210] (+42.0%) to p99 at 1000 req/s, p=0.008; added 10 µs [10–10] (+2.2%) to p99 at 16 connections, p=0.008.",
      "",
      "What the comparisons can and cannot say:",
      "",
      "- cilium's within-cluster comparison does not isolate it (Cilium is the CNI: its unmeshed namespace runs on Cilium too, so only the baseline comparison shows its cost), and this run has no baseline to compare it with.",
      "- cilium against cilium/unmeshed: accounts for repetition-to-repetition variation; no install effect (same cluster, variants interleaved).",
      "- istio-ambient against istio-ambient/unmeshed: accounts for repetition-to-repetition variation; no install effect (same cluster, variants interleaved).",
      "",
      "#### Between systems (across clusters)",
      "",
      "Without a baseline cluster the meshes are compared with each other: each in its own cluster, so the difference includes everything that differs between the clusters (CNI, node agents), not only the mesh.",
      "",
      "| systems | load | Δp50 | p (p50) | Δp99 | p (p99) |",
      "|---|---|---:|---:|---:|---:|",
      "| istio-ambient − cilium | 1000 req/s | +40 µs [+40, +40] | 0.008, significant | +210 µs [+210, +210] | 0.008, significant |",
      "| istio-ambient − cilium | 16 connections | +30 µs [+30, +30] | 0.008, significant | +10 µs [+10, +10] | 0.008, significant |",
      "",
      "- At 1000 req/s, istio-ambient's p99 was 210 µs [210–210] higher than cilium's, p=0.008.",
      "- At 16 connections, istio-ambient's p99 was 10 µs [10–10] higher than cilium's, p=0.008.",
      "",
      "*added*: median over valid repetitions minus that of what the system is compared with, with a 95% interval; *significant*: the interval excludes 0 and p < 0.05. The full report gives the method and every detail.",
    ]);
  });
});
