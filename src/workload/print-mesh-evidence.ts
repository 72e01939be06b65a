/**
 * What read-evidence.ts does, callable in a test's own process: ask the workload server on loopback (port from
 * `PORT`, default 8080, as the server reads it) for its mesh evidence and print it as one JSON line; on no answer or
 * a non-2xx answer, one line on stderr and exit code 1.
 */
import { MESH_EVIDENCE_PATH } from './mesh-headers.js';

interface Writable {
  write(text: string): unknown;
}

export async function printMeshEvidence(
  env: Readonly<Record<string, string | undefined>>,
  stdout: Writable,
  stderr: Writable,
  timeoutMs = 10_000,
): Promise<0 | 1> {
  const port = env.PORT ?? '8080';
  try {
    const res = await fetch(`http://127.0.0.1:${port}${MESH_EVIDENCE_PATH}`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    stdout.write(`${JSON.stringify(await res.json())}\n`);
    return 0;
  } catch (error) {
    stderr.write(`read-evidence: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
