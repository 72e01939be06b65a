/** A throwaway nginx on loopback for the engine benchmarks (bench/figures.ts, bench/engine-profile.ts). */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function has(cmd: string): Promise<boolean> {
  try {
    await run('sh', ['-c', `command -v ${cmd}`]);
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * nginx on loopback with one worker process, answering `body` to every request (the shape of the anchor
 * measurements). `return 200 '...'` answers from the config without touching the disk; `access_log off` keeps the
 * server's own cost per request low (https://nginx.org/en/docs/http/ngx_http_rewrite_module.html#return).
 */
export async function startNginx(body: string): Promise<{ url: string; stop: () => void } | null> {
  const bin = (await has('/usr/sbin/nginx')) ? '/usr/sbin/nginx' : (await has('nginx')) ? 'nginx' : null;
  if (bin === null) return null;
  const dir = mkdtempSync(join(tmpdir(), 'bench-nginx-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 1024; }
http { access_log off; keepalive_requests 1000000;
  server { listen 127.0.0.1:${port}; location / { return 200 '${body}'; } } }\n`,
  );
  const child: ChildProcess = spawn(bin, ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300));
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.kill('SIGTERM') };
}
