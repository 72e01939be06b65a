import type { Claim, IntervalEstimate, RoleScale, SystemScale } from '../core/scale-schema.js';
import { claimRatio, claimWithinInterval } from '../scale/claims.js';
import { measuredForClaim } from '../scale/measured-for-claim.js';
import { table } from './format.js';

/**
 * "## Memory at scale": the fitted per-node and per-pod terms per role, the projection to N nodes × M pods, and the
 * public claims beside it, labelled as claims, with measured ÷ claimed. Null when no system measured a scale section.
 * Memory in decimal MB and GB here (the claims' own units), unlike the resource tables' MiB.
 */
export function renderScale(r: { readonly systems: readonly { readonly id: string; readonly scale?: SystemScale | undefined }[] }): string | null {
  const systems = r.systems.flatMap((s) => (s.scale ? [{ id: s.id, scale: s.scale }] : []));
  if (systems.length === 0) return null;
  const out: string[] = ['## Memory at scale (a measured model)', ''];
  out.push(
    'Each role’s memory (mean working set over the window) was measured at several server replicas per worker node, ' +
      'idle and under a light fixed load, and fitted as memory = per node + per pod × pods (least squares; 95% t ' +
      'intervals). Sidecars, node agents and the workload are fitted per node against the pods on that node; the ' +
      'control plane and waypoints once per cluster against the pods in the cluster. A projection is a 95% ' +
      'prediction interval: it widens the further the projected pods per node (or pods per cluster) lie from the ' +
      'measured ones, and assumes nodes beyond the measured ones behave like them. Memory in decimal MB/GB (10⁶/10⁹ bytes).',
  );
  for (const sys of systems) {
    const scale = sys.scale;
    const { nodes, pods } = scale.projection;
    const invalidReasons = scale.invalidReasons ?? [];
    const invalid = invalidReasons.length > 0;
    const where = invalid
      ? `Planned at ${scale.replicasPerNode.join(', ')} replicas per node, to be projected to ${nodes} nodes × ${pods} pods.`
      : `Measured at ${scale.replicasPerNode.join(', ')} replicas per node on ${scale.nodes ?? 'an unrecorded number of'} worker node${scale.nodes === 1 ? '' : 's'}; projected to ${nodes} nodes × ${pods} pods.`;
    out.push(
      '',
      `### ${sys.id}`,
      '',
      where + (scale.serverCpuRequest ? ` Server CPU request in the scale windows: ${scale.serverCpuRequest} (memory request and limit as in the steps).` : ''),
    );
    if (scale.placements?.length) {
      const placed = scale.placements.map((p) => `${p.replicasPerNode} → ${Object.entries(p.podsByNode).map(([node, n]) => `${node}: ${n}`).join(', ')}`);
      out.push('', `Server pods per node as placed (read from the pods): ${placed.join('; ')}.`);
    }
    if (invalid) {
      out.push('', `**Not fitted: the scale windows cannot be trusted** (no number is published from them): ${invalidReasons.join('; ')}.`);
      continue;
    }
    for (const condition of scale.conditions) {
      const label = condition.condition === 'idle' ? 'idle' : `under load (${condition.rate ?? '?'} req/s)`;
      const rows = condition.roles.map((role) => roleRow(role));
      if (condition.meshProjected) rows.push(['mesh total', '', '', '', interval(condition.meshProjected)]);
      out.push(
        '',
        `${label[0]?.toUpperCase()}${label.slice(1)}:`,
        '',
        table(['role', 'fitted', 'per node (95%)', 'per pod (95%)', `at ${nodes} × ${pods} (95%)`], rows, ['l', 'l', 'r', 'r', 'r']),
      );
    }
    if (scale.claims.length > 0) out.push('', ...claimsTable(scale));
  }
  return out.join('\n');
}

function roleRow(role: RoleScale): string[] {
  const fitted = `${role.scope === 'node' ? 'per node' : 'per cluster'}, ${role.fit.points} points`;
  const fixed = role.scope === 'node' ? interval(role.fit.fixed) : `${interval(role.fit.fixed)} once`;
  return [role.role, fitted, fixed, interval(role.fit.perPod), interval(role.projected)];
}

function claimsTable(scale: SystemScale): string[] {
  const rows: string[][] = [];
  for (const claim of scale.claims) {
    for (const condition of scale.conditions) {
      const measured = measuredForClaim(condition, claim);
      const ratio = measured ? claimRatio(measured.estimate, claim) : null;
      rows.push([
        `“${claim.wording}” (${claim.source})`,
        claimed(claim),
        condition.condition,
        measured ? interval(measured) : 'not measured',
        ratio ? ratioText(ratio) : '–',
        measured ? (claimWithinInterval(measured, claim) ? 'yes' : 'no') : '–',
      ]);
    }
  }
  return [
    'Public claims, **labelled as claims** (quoted, not measured here), beside the model:',
    '',
    table(['claim', 'claimed', 'condition', 'measured (95%)', 'measured ÷ claimed', 'claim inside the interval'], rows, [
      'l',
      'r',
      'l',
      'r',
      'r',
      'l',
    ]),
  ];
}

function claimed(c: Claim): string {
  const what = c.kind === 'mesh-total' ? `mesh at ${c.nodes ?? '?'} × ${c.pods ?? '?'}` : `${c.role ?? '?'} ${c.kind}`;
  const amount = c.lowBytes === c.highBytes ? decimalBytes(c.lowBytes) : `${decimalBytes(c.lowBytes)}–${decimalBytes(c.highBytes)}`;
  return `${amount} (${what})`;
}

function ratioText(r: { low: number; high: number }): string {
  const f = (x: number) => `${x < 10 ? x.toFixed(2) : x.toFixed(1)}×`;
  return r.low === r.high ? f(r.low) : `${f(r.low)}–${f(r.high)}`;
}

function interval(e: IntervalEstimate): string {
  return `${decimalBytes(e.estimate)} [${decimalBytes(e.low)}, ${decimalBytes(e.high)}]`;
}

/** Decimal units as the claims write them: `15.2 GB`, `48 MB`, `0.4 MB`; negative values (an intercept's low end) keep their sign. */
export function decimalBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  const text = abs >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : abs >= 1e7 ? `${(bytes / 1e6).toFixed(0)} MB` : `${(bytes / 1e6).toFixed(1)} MB`;
  return /^-0(\.0*)? /.test(text) ? text.slice(1) : text;
}
