#!/usr/bin/env node
/**
 * The workload server executable (locally as a child process, in the cluster as the container's command).
 * Prints exactly one JSON line on stdout once listening; SIGTERM/SIGINT close gracefully and exit 0.
 * Bad flags: one line on stderr, exit 2. Anything else that stops it from listening: exit 1.
 * What it does lives in workload-process.ts, which tests run in their own process.
 */
import { runWorkloadProcess } from './workload-process.js';

void runWorkloadProcess(process);
