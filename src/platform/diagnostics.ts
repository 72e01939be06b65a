import { join, posix } from 'node:path';
import type { Clock, FileSystem, Logger, ProcessRunner } from '../core/deps.js';
import { CommandError } from '../core/errors.js';
import type { Diagnostics } from '../core/result-schema.js';
import type { MeshAdapter, MeshContext } from '../mesh/mesh-adapter.js';
import { kubectlBase, variantsOf, type ClusterPlanInput } from './cluster-plan.js';

/**
 * The diagnostics bundle of a failed system (issue 8, build 2), collected before teardown, through the seams (runner,
 * filesystem), into `<run dir>/diagnostics/<system>/`:
 * - kind targets: `kind export logs <dir>/kind-logs --name <cluster>` (kind docs, user/quick-start "Exporting Cluster
 *   Logs": every node's kubelet, containerd and pod logs), pods and events of every namespace, descriptions of the
 *   benchmark and mesh namespaces' pods, and each mesh CLI's own status (adapter.diagnostics);
 * - existing clusters: the harness's own namespaces only (pods, events, descriptions); nothing cluster-wide.
 * Every file is capped (its tail kept: the end of a log is where a failure is), and the bundle as a whole; each file
 * is listed in the result with its size. Collection is best effort: what fails is listed under `problems` and never
 * replaces the system's own failure.
 */
export const FILE_CAP_BYTES = 2 * 1024 * 1024;
export const TOTAL_CAP_BYTES = 32 * 1024 * 1024;
const COMMAND_TIMEOUT_MS = 2 * 60_000;

export interface DiagnosticsDeps {
  runner: ProcessRunner;
  fs: FileSystem;
  clock: Clock;
  logger: Logger;
}

interface Entry {
  file: string;
  argv: string[];
}

/** The commands of a bundle, in order (pure: shown by tests, run by collectDiagnostics). */
export function diagnosticCommands(p: ClusterPlanInput, ctx: MeshContext, dir: string): { kindLogs: string[] | null; entries: Entry[] } {
  const k = kubectlBase(p);
  const harness = variantsOf(p.adapter).map((v) => v.namespace);
  const kind = p.target === 'kind';
  const meshNamespaces = kind ? (p.adapter.diagnostics?.namespaces ?? []) : [];
  const entries: Entry[] = [];
  if (kind) {
    entries.push({ file: 'pods.txt', argv: [...k, 'get', 'pods', '--all-namespaces', '--output', 'wide'] });
    entries.push({ file: 'events.txt', argv: [...k, 'get', 'events', '--all-namespaces', '--sort-by=.lastTimestamp'] });
    entries.push({ file: 'nodes.txt', argv: [...k, 'describe', 'nodes'] });
  } else {
    for (const ns of harness) {
      entries.push({ file: `pods-${ns}.txt`, argv: [...k, 'get', 'pods', '--namespace', ns, '--output', 'wide'] });
      entries.push({ file: `events-${ns}.txt`, argv: [...k, 'get', 'events', '--namespace', ns, '--sort-by=.lastTimestamp'] });
    }
  }
  for (const ns of [...harness, ...meshNamespaces]) entries.push({ file: `describe-pods-${ns}.txt`, argv: [...k, 'describe', 'pods', '--namespace', ns] });
  if (kind) for (const c of adapterCommands(p.adapter, ctx)) entries.push(c);
  return { kindLogs: kind ? ['kind', 'export', 'logs', join(dir, 'kind-logs'), '--name', p.clusterName] : null, entries };
}

function adapterCommands(a: MeshAdapter, ctx: MeshContext): Entry[] {
  return a.diagnostics?.commands(ctx) ?? [];
}

/** The tail of `text` within `cap` bytes, marked as cut. */
export function capText(text: string, cap: number): { text: string; truncated: boolean } {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= cap) return { text, truncated: false };
  const buf = Buffer.from(text, 'utf8');
  const note = `[mesh-bench: cut to the last ${cap} of ${bytes} bytes]\n`;
  return { text: note + buf.subarray(bytes - (cap - Buffer.byteLength(note))).toString('utf8'), truncated: true };
}

/** Which file to open first for this failure, and why. */
export function lookFirst(failure: string, files: readonly string[]): string {
  const has = (f: string): boolean => files.includes(f);
  if (/not meshed|mesh evidence|verify|meshed/i.test(failure)) {
    const status = files.find((f) => f.startsWith('mesh-'));
    if (status) return `${status}: the mesh's own status, then describe-pods-mesh-bench.txt (the failure is about the mesh on the path)`;
  }
  if (/nodes not Ready|nodes registered/.test(failure) && has('nodes.txt')) return 'nodes.txt: node conditions (a node that never got Ready names its reason there)';
  const events = files.find((f) => f.startsWith('events'));
  if (events) return `${events}: warnings in time order (failed pulls, scheduling, probes), then the describe-pods files`;
  return files[0] ? `${files[0]}` : 'nothing could be collected: see problems';
}

export async function collectDiagnostics(p: ClusterPlanInput, ctx: MeshContext, dir: string, failure: string, deps: DiagnosticsDeps): Promise<Diagnostics> {
  const { runner, fs } = deps;
  const files: Diagnostics['files'] = [];
  const problems: string[] = [];
  let total = 0;
  await fs.mkdir(dir);
  const { kindLogs, entries } = diagnosticCommands(p, ctx, dir);

  const write = async (name: string, content: string): Promise<void> => {
    if (total >= TOTAL_CAP_BYTES) {
      problems.push(`${name}: not written, the bundle reached its ${TOTAL_CAP_BYTES} byte cap`);
      return;
    }
    const capped = capText(content, Math.min(FILE_CAP_BYTES, TOTAL_CAP_BYTES - total));
    await fs.writeFileAtomic(join(dir, ...name.split('/')), capped.text);
    const bytes = Buffer.byteLength(capped.text, 'utf8');
    total += bytes;
    files.push({ path: name, bytes, truncated: capped.truncated });
  };

  for (const e of entries) {
    try {
      const out = await runner.run(e.argv, { timeoutMs: COMMAND_TIMEOUT_MS });
      await write(e.file, `$ ${e.argv.join(' ')}\n${out.stdout}${out.stderr ? `\n${out.stderr}` : ''}`);
    } catch (error) {
      const output = error instanceof CommandError ? error.output : '';
      problems.push(`${e.file}: ${error instanceof Error ? error.message : String(error)}`);
      if (output) await write(e.file, `$ ${e.argv.join(' ')}\n${output}`);
    }
  }
  if (kindLogs) {
    try {
      await runner.run(kindLogs, { timeoutMs: COMMAND_TIMEOUT_MS });
      for (const rel of await listFiles(fs, join(dir, 'kind-logs'), 'kind-logs')) {
        const path = join(dir, ...rel.split('/'));
        const content = await fs.readFile(path);
        if (total >= TOTAL_CAP_BYTES) {
          await fs.remove(path);
          problems.push(`${rel}: removed, the bundle reached its ${TOTAL_CAP_BYTES} byte cap`);
          continue;
        }
        const capped = capText(content, Math.min(FILE_CAP_BYTES, TOTAL_CAP_BYTES - total));
        if (capped.truncated) await fs.writeFileAtomic(path, capped.text);
        const bytes = Buffer.byteLength(capped.text, 'utf8');
        total += bytes;
        files.push({ path: rel, bytes, truncated: capped.truncated });
      }
    } catch (error) {
      problems.push(`kind export logs: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const names = files.map((f) => f.path);
  return { dir: '', files, lookFirst: lookFirst(failure, names), problems };
}

/** Files under `dir`, as `/`-separated paths prefixed with `rel`, depth first in name order. */
async function listFiles(fs: FileSystem, dir: string, rel: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of [...(await fs.readdir(dir))].sort()) {
    const path = join(dir, name);
    try {
      out.push(...(await listFiles(fs, path, posix.join(rel, name))));
    } catch {
      out.push(posix.join(rel, name));
    }
  }
  return out;
}
