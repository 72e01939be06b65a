#!/usr/bin/env node
/**
 * Prints the workload server's mesh evidence (mesh-headers.ts) as one JSON line: run inside the server container
 * (`node dist/src/workload/read-evidence.js`, exec'd by the harness), it asks the server over loopback, so the read
 * itself is neither meshed nor filtered by an L7 policy. Exit 1 with one line on stderr when the server does not answer.
 * What it does lives in print-mesh-evidence.ts, which tests run in their own process.
 */
import { printMeshEvidence } from './print-mesh-evidence.js';

process.exitCode = await printMeshEvidence(process.env, process.stdout, process.stderr);
