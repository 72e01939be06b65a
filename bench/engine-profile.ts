/**
 * Drives one engine thread at its ceiling (closed loop, 32 connections) against a local nginx answering a 2-byte body
 * (the workload server if nginx is not installed) and prints the CPU time it spends per request, user and system.
 * For a profile of the per-request path, run it under the V8 profiler and read the .cpuprofile top-down:
 *
 *   npm run build && node --cpu-prof --cpu-prof-dir=/tmp/engine-prof dist/bench/engine-profile.js [seconds]
 *
 * CPU time per request moves far less with other load on the machine than requests per second do; what the kernel
 * spends on a loopback write (`writeBuffer` in a profile: it also delivers to the server) is paid by wrk too.
 */
import { load, stepOf, withServer } from '../src/calibration/procedures.js';
import { startNginx } from './local-nginx.js';

const seconds = Number(process.argv[2] ?? 8);
if (!(seconds > 0)) {
  process.stderr.write('usage: engine-profile.js [seconds > 0]\n');
  process.exit(2);
}

async function drive(url: string, target: string): Promise<void> {
  // Warm the JIT and the server first, unmeasured.
  await load(url, stepOf({ mode: 'max', connections: 32, durationS: 1, warmupS: 0 }));
  const cpu0 = process.cpuUsage();
  const r = await load(url, stepOf({ mode: 'max', connections: 32, durationS: seconds, warmupS: 0 }));
  const cpu = process.cpuUsage(cpu0);
  const n = r.counts.completed;
  const per = (us: number): string => (n > 0 ? (us / n).toFixed(2) : 'n/a');
  process.stdout.write(
    `${target}: ${r.throughput.toFixed(0)} req/s over ${seconds} s, ${r.status}; CPU per request ${per(cpu.user + cpu.system)} µs ` +
      `(user ${per(cpu.user)}, system ${per(cpu.system)})\n`,
  );
}

const nginx = await startNginx('ok');
if (nginx) {
  try {
    await drive(nginx.url, 'nginx, 2-byte body');
  } finally {
    nginx.stop();
  }
} else {
  await withServer({ responseBytes: 2 }, (chain) => drive(chain.url, 'workload server, 2-byte body'));
}
process.exit(0);
