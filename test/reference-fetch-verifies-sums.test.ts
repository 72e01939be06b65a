import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Of } from './reference/reference-download.js';
import { runFetchReference } from './reference/reference-fetch-command.js';
import type { ReferenceEntry } from './reference/reference-manifest.js';
import { tgzMembers } from './reference/tar-members.js';

/**
 * `npm run reference` against a loopback HTTP server standing in for raw.githubusercontent.com (this machine has no
 * other network): the command reads test/reference/sources.json under its cwd, fetches from REFERENCE_BASE_URL and
 * fills .cache/reference.
 */
const COMMIT = 'a'.repeat(40);
const RAW = 'https://raw.githubusercontent.com';

let dir: string;
let server: Server;
let base: string;
/** What the server serves, by URL path, and every path it was asked for. */
let served: Map<string, Buffer>;
let requests: string[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mesh-bench-fetch-'));
  served = new Map();
  requests = [];
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = served.get(req.url ?? '');
    if (!body) {
      res.writeHead(404, 'Not Found').end('404: Not Found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function serve(repoPath: string, bytes: Buffer | string): { url: string; bytes: Buffer } {
  const b = Buffer.from(bytes);
  served.set(`/owner/repo/${COMMIT}/${repoPath}`, b);
  return { url: `${RAW}/owner/repo/${COMMIT}/${repoPath}`, bytes: b };
}

function entry(path: string, url: string, bytes: Buffer, extra: Partial<ReferenceEntry> = {}): ReferenceEntry {
  return { path, bytes: bytes.length, sha256: sha256Of(bytes), source: { repo: 'owner/repo', path, commit: COMMIT }, url, ...extra };
}

function writeManifest(files: unknown[]): void {
  mkdirSync(join(dir, 'test', 'reference'), { recursive: true });
  writeFileSync(join(dir, 'test', 'reference', 'sources.json'), JSON.stringify({ files }, null, 2));
}

async function fetchReference(env: Record<string, string> = { REFERENCE_BASE_URL: base }) {
  let out = '';
  let err = '';
  const exitCode = await runFetchReference({
    cwd: dir,
    env,
    io: { out: (t) => (out += t), err: (t) => (err += t) },
    fetch: (url, init) => fetch(url, init),
  });
  return { exitCode, out, err };
}

const cached = (path: string) => join(dir, '.cache', 'reference', path);

describe('npm run reference', () => {
  it('fetches each file from its URL under the base, checks its sha256 and puts it in the cache', async () => {
    const a = serve('charts/a/values.yaml', 'a: 1\n');
    const b = serve('deep/er/crds.yaml', 'kind: CustomResourceDefinition\n');
    writeManifest([entry('x/1.0/values.yaml', a.url, a.bytes), entry('x/1.0/crds/crds.yaml', b.url, b.bytes)]);

    const r = await fetchReference();

    expect(r.err).toBe('');
    expect(r.exitCode).toBe(0);
    expect(readFileSync(cached('x/1.0/values.yaml'))).toEqual(a.bytes);
    expect(readFileSync(cached('x/1.0/crds/crds.yaml'))).toEqual(b.bytes);
    expect(requests.sort()).toEqual([`/owner/repo/${COMMIT}/charts/a/values.yaml`, `/owner/repo/${COMMIT}/deep/er/crds.yaml`]);
    expect(r.out).toContain('2 reference file(s) in .cache/reference (2 fetched, 0 already there, checked)');
  });

  it('refuses a file whose bytes do not match, naming it with the expected and received sums, and caches nothing for it', async () => {
    const good = serve('good.yaml', 'good\n');
    const bad = serve('bad.yaml', 'tampered\n');
    const expected = sha256Of(Buffer.from('original\n'));
    writeManifest([entry('r/good.yaml', good.url, good.bytes), { ...entry('r/bad.yaml', bad.url, bad.bytes), sha256: expected }]);

    const r = await fetchReference();

    expect(r.exitCode).toBe(1);
    expect(r.err).toBe(`ERROR: r/bad.yaml: sha256 mismatch: expected ${expected}, got ${sha256Of(bad.bytes)} (from ${bad.url})\n`);
    expect(existsSync(cached('r/bad.yaml'))).toBe(false);
    expect(readdirSync(dirname(cached('r/bad.yaml')))).toEqual(['good.yaml']); // no partial file left either
    expect(readFileSync(cached('r/good.yaml'))).toEqual(good.bytes);
  });

  it('is idempotent: a second run fetches nothing when the cache holds the right bytes', async () => {
    const a = serve('a.yaml', 'a\n');
    writeManifest([entry('r/a.yaml', a.url, a.bytes)]);
    expect((await fetchReference()).exitCode).toBe(0);
    requests = [];

    const again = await fetchReference();

    expect(again.exitCode).toBe(0);
    expect(requests).toEqual([]);
    expect(again.out).toContain('1 reference file(s) in .cache/reference (0 fetched, 1 already there, checked)');
  });

  it('replaces a cached file whose sum is wrong, and removes it when the new download is wrong too', async () => {
    const a = serve('a.yaml', 'a\n');
    writeManifest([entry('r/a.yaml', a.url, a.bytes)]);
    mkdirSync(dirname(cached('r/a.yaml')), { recursive: true });
    writeFileSync(cached('r/a.yaml'), 'stale\n');

    expect((await fetchReference()).exitCode).toBe(0);
    expect(readFileSync(cached('r/a.yaml'))).toEqual(a.bytes);

    writeFileSync(cached('r/a.yaml'), 'stale\n');
    served.set(`/owner/repo/${COMMIT}/a.yaml`, Buffer.from('changed upstream\n'));
    const r = await fetchReference();
    expect(r.exitCode).toBe(1);
    expect(r.err).toMatch(/^ERROR: r\/a\.yaml: sha256 mismatch: expected [0-9a-f]{64}, got [0-9a-f]{64}/);
    expect(existsSync(cached('r/a.yaml'))).toBe(false);
  });

  it('names a file the server does not have, with the URL and the HTTP status', async () => {
    writeManifest([entry('r/gone.yaml', `${RAW}/owner/repo/${COMMIT}/gone.yaml`, Buffer.from('x'))]);

    const r = await fetchReference();

    expect(r.exitCode).toBe(1);
    expect(r.err).toBe(`ERROR: r/gone.yaml: cannot fetch ${base}/owner/repo/${COMMIT}/gone.yaml: HTTP 404 Not Found\n`);
  });

  it('names a file it cannot reach at all', async () => {
    const a = serve('a.yaml', 'a\n');
    writeManifest([entry('r/a.yaml', a.url, a.bytes)]);
    const closed = base;
    await new Promise((resolve) => server.close(resolve));
    server = createServer(); // afterEach closes this one
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

    const r = await fetchReference({ REFERENCE_BASE_URL: closed });

    expect(r.exitCode).toBe(1);
    expect(r.err).toMatch(new RegExp(`^ERROR: r/a\\.yaml: cannot fetch ${closed}/owner/repo/${COMMIT}/a\\.yaml: fetch failed: .*ECONNREFUSED`));
  });

  it('lists the files that cannot be downloaded and says they need ../shared/reference, fetching nothing for them', async () => {
    const a = serve('a.yaml', 'a\n');
    writeManifest([
      entry('r/a.yaml', a.url, a.bytes),
      {
        path: 'r/derived.json',
        bytes: 2,
        sha256: sha256Of(Buffer.from('{}')),
        source: { repo: 'owner/repo', path: 'pkg/x.go lines 1-9', commit: COMMIT },
        notDownloadable: 'DERIVED: written from the Go structs',
      },
    ]);

    const r = await fetchReference();

    expect(r.exitCode).toBe(0);
    expect(r.out).toContain('1 file(s) are not downloadable');
    expect(r.out).toContain('tests needing them run only with ../shared/reference: r/derived.json');
    expect(requests).toEqual([`/owner/repo/${COMMIT}/a.yaml`]);
  });

  it('refuses a bad manifest with exit 2, naming the file and the field, and creates no cache', async () => {
    writeManifest([{ path: 'r/a.yaml', bytes: 1, sha256: 'not-a-sum', source: { repo: 'owner/repo', path: 'a', commit: COMMIT }, url: `${RAW}/a` }]);

    const r = await fetchReference();

    expect(r.exitCode).toBe(2);
    expect(r.err).toBe('ERROR: test/reference/sources.json: files[0].sha256: must be 64 lowercase hex digits\n');
    expect(existsSync(join(dir, '.cache'))).toBe(false);
  });

  it('refuses an entry with neither a URL nor a reason it has none', async () => {
    writeManifest([{ path: 'r/a.yaml', bytes: 1, sha256: 'a'.repeat(64), source: { repo: 'owner/repo', path: 'a', commit: COMMIT } }]);

    const r = await fetchReference();

    expect(r.exitCode).toBe(2);
    expect(r.err).toBe('ERROR: test/reference/sources.json: files[0]: needs exactly one of "url" and "notDownloadable"\n');
  });
});

/** The archives below are written by GNU tar (its --format names), never by the code under test. */
const gnuTar = (() => {
  try {
    return execFileSync('tar', ['--version'], { encoding: 'utf8' }).includes('GNU tar');
  } catch {
    return false;
  }
})();
if (!gnuTar) console.warn('skipped the chart archive tests: they need GNU tar to write their archives (apt-get install tar)');

describe.skipIf(!gnuTar)('npm run reference on a chart archive', () => {
  /** A real gzipped tar, written by the system's tar (not by the code under test). */
  function tgz(files: Record<string, string>, format: 'gnu' | 'pax' | 'ustar' = 'gnu'): Buffer {
    const src = join(dir, 'tar-src');
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(src, path)), { recursive: true });
      writeFileSync(join(src, path), text);
    }
    const out = join(dir, 'chart.tgz');
    execFileSync('tar', [`--format=${format}`, '-czf', out, '-C', src, ...Object.keys(files)]);
    rmSync(src, { recursive: true });
    return readFileSync(out);
  }

  it('checks the archive’s sum, extracts each member and downloads the archive once for all of them', async () => {
    const chart = serve('chart-1.0.0.tgz', tgz({ 'chart/values.yaml': 'replicas: 1\n', 'chart/Chart.yaml': 'name: chart\n' }));
    const archive = { sha256: sha256Of(chart.bytes) };
    writeManifest([
      entry('chart/1.0.0/values.yaml', chart.url, Buffer.from('replicas: 1\n'), { archive: { ...archive, member: 'chart/values.yaml' } }),
      entry('chart/1.0.0/Chart.yaml', chart.url, Buffer.from('name: chart\n'), { archive: { ...archive, member: 'chart/Chart.yaml' } }),
    ]);

    const r = await fetchReference();

    expect(r.err).toBe('');
    expect(r.exitCode).toBe(0);
    expect(readFileSync(cached('chart/1.0.0/values.yaml'), 'utf8')).toBe('replicas: 1\n');
    expect(readFileSync(cached('chart/1.0.0/Chart.yaml'), 'utf8')).toBe('name: chart\n');
    expect(requests).toEqual([`/owner/repo/${COMMIT}/chart-1.0.0.tgz`]);
  });

  it('refuses every member of an archive whose own sum does not match', async () => {
    const chart = serve('chart-1.0.0.tgz', tgz({ 'chart/values.yaml': 'replicas: 1\n' }));
    const wrong = 'b'.repeat(64);
    writeManifest([entry('chart/1.0.0/values.yaml', chart.url, Buffer.from('replicas: 1\n'), { archive: { sha256: wrong, member: 'chart/values.yaml' } })]);

    const r = await fetchReference();

    expect(r.exitCode).toBe(1);
    expect(r.err).toBe(
      `ERROR: chart/1.0.0/values.yaml: sha256 mismatch for the archive ${chart.url}: expected ${wrong}, got ${sha256Of(chart.bytes)}\n`,
    );
    expect(existsSync(cached('chart/1.0.0/values.yaml'))).toBe(false);
  });

  it('names a member the archive does not hold', async () => {
    const chart = serve('chart-1.0.0.tgz', tgz({ 'chart/values.yaml': 'replicas: 1\n' }));
    writeManifest([
      entry('chart/1.0.0/README.md', chart.url, Buffer.from('x'), { archive: { sha256: sha256Of(chart.bytes), member: 'chart/README.md' } }),
    ]);

    const r = await fetchReference();

    expect(r.exitCode).toBe(1);
    expect(r.err).toBe(`ERROR: chart/1.0.0/README.md: chart/README.md is not in ${chart.url}\n`);
  });

  it.each(['gnu', 'pax', 'ustar'] as const)('reads long member names and exact bytes from a %s-format tar', (format) => {
    const long = `chart/${'templates/'.repeat(12)}deployment.yaml`; // > 100 characters: beyond the plain name field
    const binary = Buffer.from(Array.from({ length: 1500 }, (_, i) => i % 256)).toString('latin1');
    const members = tgzMembers(tgz({ [long]: 'kind: Deployment\n', 'chart/bin.dat': binary, 'chart/empty.txt': '' }, format));
    expect([...members.keys()].sort()).toEqual(['chart/bin.dat', 'chart/empty.txt', long].sort());
    expect(members.get(long)?.toString()).toBe('kind: Deployment\n');
    expect(members.get('chart/bin.dat')).toEqual(Buffer.from(binary));
    expect(members.get('chart/empty.txt')?.length).toBe(0);
  });

  it('refuses bytes that are not a tar archive', () => {
    const gz = execFileSync('gzip', ['-c'], { input: Buffer.alloc(1024, 0x41) });
    expect(() => tgzMembers(gz)).toThrow(/not a tar archive: bad header checksum at byte 0/);
  });
});
