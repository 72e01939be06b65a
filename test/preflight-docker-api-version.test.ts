import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../src/core/errors.js';
import {
  compareApiVersions,
  MIN_DOCKER_API_VERSION,
  parseDockerServerVersion,
  runPreflight,
} from '../src/platform/preflight.js';
import { parseVersions } from '../src/platform/versions.js';
import { clusterRunFixture } from './helpers/cluster-run.js';
import { FakeRunner } from './helpers/fake-cluster.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';

const VERSIONS_PATH = fileURLToPath(new URL('../clusters/versions.yaml', import.meta.url));
const versions = parseVersions(readFileSync(VERSIONS_PATH, 'utf8'), VERSIONS_PATH);

/**
 * `docker version --format '{{json .Server}}'` of engines on either side of the minimum. The versions and API versions
 * are those of the engine API reference's `docker version` example (docs.docker.com/reference/api/engine/: 27.4.0
 * "API version: 1.47 (minimum version 1.24)", 28.0.0 "API version: 1.48"), in the Server object's shape.
 */
const engine = (version: string, api: string | undefined): string =>
  JSON.stringify({
    Platform: { Name: 'Docker Engine - Community' },
    Version: version,
    ...(api === undefined ? {} : { ApiVersion: api }),
    MinAPIVersion: '1.24',
    Os: 'linux',
    Arch: 'amd64',
  }) + '\n';

/** Only the Docker engine is checked: the fake runner answers `docker version` and refuses anything else. */
async function dockerCheck(stdout: string) {
  const runner = new FakeRunner();
  runner.on(['docker', 'version'], stdout);
  const report = await runPreflight(
    { tools: ['docker'], versions, needs: { memoryBytes: 0, cores: 0 }, host: false },
    { runner, fs: new MemoryFileSystem({}), env: {}, cores: 8 },
  );
  return report;
}

describe('the Docker engine API version', () => {
  it('is read from the Server object as printed', () => {
    expect(parseDockerServerVersion(engine('28.0.0', '1.48'))).toEqual({
      reachable: true,
      version: '28.0.0',
      apiVersion: '1.48',
      os: 'linux',
      arch: 'amd64',
    });
    expect(parseDockerServerVersion(engine('28.0.0', undefined))).not.toHaveProperty('apiVersion');
  });

  it('is compared as numbers, minor by minor (1.100 is after 1.99), and nothing else compares', () => {
    expect(compareApiVersions('1.47', '1.48')).toBeLessThan(0);
    expect(compareApiVersions('1.48', '1.48')).toBe(0);
    expect(compareApiVersions('1.52', '1.48')).toBeGreaterThan(0);
    expect(compareApiVersions('1.100', '1.99')).toBeGreaterThan(0);
    expect(compareApiVersions('2.0', '1.99')).toBeGreaterThan(0);
    expect(compareApiVersions('v1.48', '1.48')).toBeUndefined();
    expect(compareApiVersions('1.48.1', '1.48')).toBeUndefined();
  });

  it('the minimum is API 1.48, what `docker save --platform` needs', () => {
    expect(MIN_DOCKER_API_VERSION).toBe('1.48');
  });

  it('an engine older than API 1.48 (Docker 27) is a problem saying what is needed and why', async () => {
    const report = await dockerCheck(engine('27.4.0', '1.47'));
    expect(report.problems).toEqual([
      'docker engine 27.4.0 (linux/amd64) speaks API 1.47, too old: the workload image is saved with `docker save ' +
        '--platform`, which needs Docker Engine API 1.48+ (Docker 28+) so that `kind load image-archive` gets exactly the ' +
        "nodes' platform (kubernetes-sigs/kind#3795): upgrade Docker Engine to 28 or later (https://docs.docker.com/engine/install/)",
    ]);
    // The engine's version is still recorded: it answered.
    expect(report.found.docker).toBe('27.4.0');
  });

  it('an engine at API 1.48 (Docker 28.0) or newer passes', async () => {
    for (const [version, api] of [
      ['28.0.0', '1.48'],
      ['29.0.4', '1.52'],
    ] as const) {
      const report = await dockerCheck(engine(version, api));
      expect(report.problems).toEqual([]);
      expect(report.warnings).toEqual([]);
      expect(report.checks.map((c) => c.detail)).toEqual([`docker engine ${version} (linux/amd64), API ${api}`]);
    }
  });

  it('an engine that reports no readable API version is a warning naming the requirement, not a refusal', async () => {
    for (const stdout of [engine('28.2.2', undefined), engine('28.2.2', 'unknown')]) {
      const report = await dockerCheck(stdout);
      expect(report.problems).toEqual([]);
      expect(report.warnings).toHaveLength(1);
      expect(report.warnings[0]).toMatch(/^docker engine 28\.2\.2 \(linux\/amd64\): .*ApiVersion.* API not checked; .*API 1\.48\+/);
    }
  });

  it('`bench run --target kind` with an engine at API 1.47 exits 3 before creating anything', async () => {
    const f = clusterRunFixture();
    f.runner.on(['docker', 'version'], engine('27.4.0', '1.47'));
    await expect(f.run(['baseline'])).rejects.toMatchObject({
      exitCode: ExitCode.preflight,
      message: expect.stringContaining('speaks API 1.47, too old'),
    });
    expect(f.transcript.some((l) => l.startsWith('$ docker build') || l.startsWith('$ kind create'))).toBe(false);
    expect([...f.fs.files.keys()].filter((p) => p.startsWith('/results'))).toEqual([]);
  });
});
