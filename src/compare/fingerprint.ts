import type { RunRecord } from '../history/record-schema.js';
import type { Fingerprint } from './compare-report.js';

/**
 * The runner class a system was measured on: CPU model and core count. Runners of one cloud class differ in CPU
 * model (GitHub's 4-vCPU runners come with several), and latency moves with it, so numbers from two fingerprints are
 * never subtracted as if they came from one machine. Kernel and memory are left out: they change with image updates
 * without moving the numbers the way a CPU model does.
 */
export function fingerprintOf(run: Pick<RunRecord, 'environment' | 'systems'>, systemId: string): Fingerprint {
  // A merged run (`bench merge`) measured each system on its own runner and records it per system.
  const runner = run.systems.find((s) => s.id === systemId)?.runner;
  if (runner) return { cpuModel: runner.cpuModel, cores: runner.cores };
  return { cpuModel: run.environment.cpuModel, cores: run.environment.cores };
}

export function sameFingerprint(a: Fingerprint, b: Fingerprint): boolean {
  return a.cpuModel === b.cpuModel && a.cores === b.cores;
}

export function describeFingerprint(f: Fingerprint): string {
  return `${f.cpuModel}, ${f.cores} cores`;
}
