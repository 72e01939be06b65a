import { InputError } from '../core/errors.js';
import type { Claim, SystemScale } from '../core/scale-schema.js';
import type { ResolvedScale } from '../core/scenario-types.js';
import { buildSystemScale, type ScaleWindow } from './build-scale.js';

/** What the platform's scale windows measured (src/platform/scale-windows.ts), as this module needs it. */
export interface MeasuredWindows {
  workers: number;
  windows: readonly ScaleWindow[];
  /** The server's CPU request in the windows; absent when none was applied (the windows failed before). */
  serverCpuRequest?: string;
  placements: ReadonlyArray<{ replicasPerNode: number; podsByNode: Readonly<Record<string, number>> }>;
  invalidReasons: readonly string[];
}

/**
 * The system's `scale` section from its measured windows: fitted and projected when every window can be trusted;
 * otherwise, and when the points cannot be fitted (fitMemory's refusal: too few points or pod counts), a section
 * with no fit at all and the reasons why. A number we publish is true: no fit is made from a bad window.
 */
export function systemScaleFrom(measured: MeasuredWindows, o: { system: string; scale: ResolvedScale; claims: readonly Claim[] }): SystemScale {
  const recorded = {
    ...(measured.serverCpuRequest ? { serverCpuRequest: measured.serverCpuRequest } : {}),
    placements: measured.placements.map((p) => ({ replicasPerNode: p.replicasPerNode, podsByNode: { ...p.podsByNode } })),
  };
  const invalid = (reasons: readonly string[]): SystemScale => ({
    ...(measured.workers > 0 ? { nodes: measured.workers } : {}),
    replicasPerNode: [...o.scale.replicasPerNode],
    projection: { ...o.scale.projection },
    conditions: [],
    claims: [...o.claims],
    ...recorded,
    invalidReasons: [...reasons],
  });
  if (measured.invalidReasons.length > 0) return invalid(measured.invalidReasons);
  if (measured.workers < 1) return invalid(['no worker node carries the mesh-bench/role label: the server pods had nowhere to spread']);
  try {
    return {
      ...buildSystemScale({
        system: o.system,
        nodes: measured.workers,
        replicasPerNode: o.scale.replicasPerNode,
        projection: o.scale.projection,
        windows: measured.windows,
        claims: o.claims,
      }),
      ...recorded,
    };
  } catch (error) {
    if (error instanceof InputError) return invalid([`the measured points cannot be fitted: ${error.message}`]);
    throw error;
  }
}
