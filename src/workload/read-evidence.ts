#!/usr/bin/env node
/**
 * Prints the workload server's mesh evidence (mesh-headers.ts) as one JSON line: run inside the server container
 * (`node dist/src/workload/read-evidence.js`, exec'd by the harness), it asks the server over loopback, so the read
 * itself is neither meshed nor filtered by an L7 policy. Exit 1 with one line on stderr when the server does not answer.
 */
import { MESH_EVIDENCE_PATH } from './mesh-headers.js';

const port = process.env.PORT ?? '8080';
try {
  const res = await fetch(`http://127.0.0.1:${port}${MESH_EVIDENCE_PATH}`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  process.stdout.write(`${JSON.stringify(await res.json())}\n`);
} catch (error) {
  process.stderr.write(`read-evidence: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
