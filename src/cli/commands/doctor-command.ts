import type { Deps } from '../../core/deps.js';
import { ExitCode, type ExitCodeValue } from '../../core/errors.js';
import type { ToolName } from '../../mesh/mesh-adapter.js';
import {
  ALL_TOOLS,
  KIND_TARGET_TOOLS,
  runPreflight,
  type CheckStatus,
  type PreflightNeeds,
  DEFAULT_NEEDS,
} from '../../platform/preflight.js';
import type { Versions } from '../../platform/versions.js';
import type { CliIo } from '../io.js';

/**
 * What a kind run of the shipped scenarios needs when the caller does not say: three kind nodes, a mesh control
 * plane, the server chain and the load client. Our own estimate (not an upstream figure); `bench run` passes the
 * needs of its scenario instead.
 */
export { DEFAULT_NEEDS };

const MARK: Record<CheckStatus, string> = { ok: '✓', warning: '!', problem: '✗' };

/**
 * `bench doctor`: the preflight of `bench run --target kind`, printed one line per check (` ✓ kind v0.32.0`,
 * ` ✗ kind not found on PATH: install v0.32.0 (see …)`). Exit 0 when nothing stops a run (warnings allowed), 3
 * (ExitCode.preflight) otherwise, as `bench run` would.
 *
 * `all` checks every tool any system may need; otherwise the kind target's tools plus each system's own.
 */
export async function doctorCommand(p: {
  systems: readonly string[] | 'all';
  toolsFor: (system: string) => readonly ToolName[];
  versions: Versions;
  deps: Pick<Deps, 'runner' | 'fs' | 'env'>;
  io: CliIo;
  cores: number;
  needs?: PreflightNeeds;
}): Promise<ExitCodeValue> {
  const tools = toolsToCheck(p.systems, p.toolsFor);
  const report = await runPreflight(
    { tools, versions: p.versions, needs: p.needs ?? DEFAULT_NEEDS },
    { ...p.deps, cores: p.cores },
  );
  const systems = p.systems === 'all' ? 'all systems' : p.systems.join(', ');
  p.io.out(`Checking this machine for: ${systems}\n`);
  for (const check of report.checks) p.io.out(` ${MARK[check.status]} ${check.detail}\n`);
  const summary = [plural(report.problems.length, 'problem'), plural(report.warnings.length, 'warning')].join(', ');
  if (report.problems.length > 0) {
    p.io.out(`${summary}: fix the problems (✗) before \`bench run\`\n`);
    return ExitCode.preflight;
  }
  p.io.out(`${summary}: ready\n`);
  return ExitCode.ok;
}

/** The kind target's tools and each system's, deduplicated, in ALL_TOOLS order. */
export function toolsToCheck(
  systems: readonly string[] | 'all',
  toolsFor: (system: string) => readonly ToolName[],
): ToolName[] {
  if (systems === 'all') return [...ALL_TOOLS];
  const wanted = new Set<ToolName>(KIND_TARGET_TOOLS);
  for (const system of systems) for (const tool of toolsFor(system)) wanted.add(tool);
  return ALL_TOOLS.filter((t) => wanted.has(t));
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
