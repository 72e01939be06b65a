import { join } from 'node:path';
import type { Diagnostics, MeshPod, PhaseTiming, SystemResult, TrafficProof } from '../core/result-schema.js';
import type { SystemRecorder } from '../platform/platform.js';

/** Where a system's diagnostics bundle goes, relative to the result file: `diagnostics/<system>`. */
export function diagnosticsDirOf(system: string): string {
  return `diagnostics/${system.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

/**
 * Collects what a platform reports about one system while it runs (platform.ts SystemRecorder) and hands each
 * variant's share to its result: phases, mesh pods and diagnostics are the system's, the traffic proof is per variant.
 * With several installs, phases of every install are kept (each tagged with its install); mesh pods and the traffic
 * proof are the last install's (every install must pass the proof before it measures anything).
 */
export class SystemRecord implements SystemRecorder {
  readonly phases: PhaseTiming[] = [];
  private pods: MeshPod[] | null = null;
  private readonly proofs = new Map<string, TrafficProof>();
  private bundle: Diagnostics | null = null;
  readonly diagnosticsDir: { path: string; inResult: string } | null;
  /** The install being prepared, measured or torn down (1-based): every phase is recorded with it. */
  install = 1;

  constructor(runDir: string | null, system: string) {
    const rel = diagnosticsDirOf(system);
    this.diagnosticsDir = runDir === null ? null : { path: join(runDir, ...rel.split('/')), inResult: rel };
  }

  phase(timing: PhaseTiming): void {
    this.phases.push({ ...timing, install: this.install });
  }
  trafficProof(variant: string, proof: TrafficProof): void {
    this.proofs.set(variant, proof);
  }
  meshPods(pods: MeshPod[]): void {
    this.pods = pods;
  }
  diagnostics(bundle: Diagnostics): void {
    this.bundle = bundle;
  }

  /** The optional SystemResult fields of `variant` (left out when nothing was recorded, as for the local target). */
  fields(variant: string): Pick<SystemResult, 'meshPods' | 'trafficProof' | 'phases' | 'diagnostics'> {
    return {
      ...(this.pods ? { meshPods: this.pods } : {}),
      ...(this.proofs.size ? { trafficProof: this.proofs.get(variant) ?? null } : {}),
      ...(this.phases.length ? { phases: [...this.phases] } : {}),
      ...(this.bundle ? { diagnostics: this.bundle } : {}),
    };
  }
}
