import { isCrowded } from './crowded-run.js';
import type { ReportRun as RunResult, ReportSystem as SystemResult } from './report-input.js';
import { formatBytes, inlineCode, table } from './format.js';

/**
 * Report sections about how a cluster run went (issue 8): the proof by traffic of every variant, where each mesh pod
 * ran, how long each phase took, and for a failed system its diagnostics bundle. Pure functions of the result; each
 * returns null when the result has nothing of the kind (local runs, results written before these fields).
 */

/** A mesh's variants share the cluster: what belongs to the system is shown once, under the system's id. */
function perSystem(r: RunResult): SystemResult[] {
  const seen = new Set<string>();
  return r.systems.filter((s) => {
    const id = s.id.split('/')[0]!;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

export function renderTrafficProof(r: RunResult): string | null {
  const rows = r.systems
    .filter((s) => s.trafficProof)
    .map((s) => {
      const p = s.trafficProof!;
      return [s.id, p.ok ? 'proven' : 'FAILED', `${p.burst.ok}/${p.burst.sent}`, p.expected, p.seen];
    });
  if (rows.length === 0) return null;
  const samples = r.systems.filter((s) => s.trafficProof?.headerSample).map((s) => `- ${s.id}: ${inlineCode(s.trafficProof!.headerSample!)}`);
  return [
    '## Proof by traffic',
    '',
    'Before the first measured step a short burst went through exactly the path the load takes; the mesh had to show it ' +
      'handled those requests (headers it adds, counters in its own metrics), and unmeshed variants had to show none.',
    '',
    table(['variant', 'result', 'burst 2xx', 'expected', 'seen'], rows),
    ...(samples.length ? ['', 'Mesh header as the server received it:', '', ...samples] : []),
  ].join('\n');
}

export function renderMeshPlacement(r: RunResult): string | null {
  const rows: string[][] = [];
  for (const s of perSystem(r)) {
    for (const p of s.meshPods ?? []) {
      if (p.role !== 'control-plane' && p.role !== 'waypoint') continue;
      rows.push([s.id.split('/')[0]!, `${p.namespace}/${p.pod}`, p.role, p.node ?? '–', p.onControlPlane ? 'control-plane node' : 'a worker']);
    }
  }
  const agents = perSystem(r).flatMap((s) => (s.meshPods ?? []).filter((p) => p.role === 'node-agent' || p.role === 'sidecar-proxy'));
  if (rows.length === 0 && agents.length === 0) return null;
  return [
    '## Where the mesh ran',
    '',
    'Control planes are placed on the control-plane node where the mesh’s install options allow it, off the measured ' +
      'workers; the waypoint goes where Kubernetes schedules it. Node agents run on every node and sidecars in the ' +
      `workload pods (${agents.length} such pods, every one listed in results.json \`meshPods\`).`,
    ...(rows.length ? ['', table(['system', 'pod', 'role', 'node', 'node kind'], rows)] : []),
  ].join('\n');
}

function seconds(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : `${(ms / 1000).toFixed(1)} s`;
}

export function renderPhases(r: RunResult): string | null {
  const rows: string[][] = [];
  for (const s of perSystem(r)) {
    const phases = s.phases ?? [];
    if (phases.length === 0) continue;
    const id = s.id.split('/')[0]!;
    // Several installs (scenario `installs`): every phase says which install it belongs to.
    const installOf = (p: (typeof phases)[number]): number => p.install ?? 1;
    const multi = phases.some((p) => installOf(p) > 1);
    const label = (p: (typeof phases)[number], name: string): string => (multi ? `install ${installOf(p)}: ${name}` : name);
    // The measured steps as one row per install, where they ran (every one is in results.json).
    const shown = new Set<number>();
    for (const p of phases) {
      if (!p.name.startsWith('measure ')) {
        rows.push([id, label(p, p.name), seconds(p.durationMs), p.ok ? 'ok' : 'failed']);
        continue;
      }
      if (shown.has(installOf(p))) continue;
      shown.add(installOf(p));
      const measured = phases.filter((m) => m.name.startsWith('measure ') && installOf(m) === installOf(p));
      const total = measured.reduce((a, m) => a + m.durationMs, 0);
      const longest = measured.reduce((a, m) => (m.durationMs > a.durationMs ? m : a));
      const name = `measure (${measured.length} repetitions; longest ${longest.name.slice('measure '.length)}, ${seconds(longest.durationMs)})`;
      rows.push([id, label(p, name), seconds(total), measured.every((m) => m.ok) ? 'ok' : 'failed']);
    }
  }
  if (rows.length === 0) return null;
  const intro = ['## Phases', '', 'Wall-clock time of every phase, as measured by this run.', ''];
  if (!isCrowded(r)) return [...intro, table(['system', 'phase', 'took', 'outcome'], rows, ['l', 'l', 'r', 'l'])].join('\n');
  // A crowded run (crowded-run.ts): one row per cluster, its phases in order, so its id is written once, not per phase.
  const byId = new Map<string, string[][]>();
  for (const row of rows) byId.set(row[0]!, [...(byId.get(row[0]!) ?? []), row]);
  const grouped = [...byId].map(([id, phases]) => [
    id,
    phases.map(([, name, took, outcome]) => `${name} ${took}${outcome === 'ok' ? '' : ' (failed)'}`).join('; '),
    phases.every((p) => p[3] === 'ok') ? 'ok' : 'failed',
  ]);
  return [...intro, table(['system', 'phases (took)', 'outcome'], grouped, ['l', 'l', 'l'])].join('\n');
}

/** Lines for a failed system's section of the Status: where its diagnostics are and which file to open first. */
export function diagnosticsLines(s: SystemResult): string[] {
  const d = s.diagnostics;
  if (!d) return [];
  const total = d.files.reduce((a, f) => a + f.bytes, 0);
  const lines = [
    `Diagnostics, collected before teardown: ${inlineCode(`${d.dir}/`)} (${d.files.length} files, ${formatBytes(total)}). Look first at ${d.lookFirst}.`,
  ];
  const cut = d.files.filter((f) => f.truncated).length;
  if (cut) lines.push(`${cut} files were cut to their last bytes (size caps); the full list with sizes is in results.json.`);
  if (d.problems.length) lines.push(`Not collected: ${d.problems.join('; ')}.`);
  return ['', ...lines];
}
