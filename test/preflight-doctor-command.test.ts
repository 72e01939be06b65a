import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { doctorCommand, toolsToCheck } from '../src/cli/commands/doctor-command.js';
import type { CliIo } from '../src/cli/io.js';
import type { ProcessRunner, RunOutput } from '../src/core/deps.js';
import { CommandError, ExitCode } from '../src/core/errors.js';
import type { ToolName } from '../src/mesh/mesh-adapter.js';
import { parseVersions } from '../src/platform/versions.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';

const VERSIONS_PATH = fileURLToPath(new URL('../clusters/versions.yaml', import.meta.url));
const versions = parseVersions(readFileSync(VERSIONS_PATH, 'utf8'), VERSIONS_PATH);

/** Each tool's version output at its pin; a tool missing from `present` is not on PATH. */
const OUTPUTS: Record<string, string> = {
  docker: '{"Version":"28.2.2","ApiVersion":"1.50","Os":"linux","Arch":"amd64"}\n',
  kind: 'kind v0.32.0 go1.25.5 linux/amd64\n',
  kubectl: '{"clientVersion":{"gitVersion":"v1.36.1"}}\n',
  helm: 'v3.21.4',
  istioctl: '{"clientVersion":{"version":"1.30.3"}}\n',
  linkerd: 'edge-26.8.3\n',
  cilium: 'cilium-cli: v0.19.7 compiled with go1.26.5 on linux/amd64\n',
  openssl: 'OpenSSL 3.0.13 30 Jan 2024 (Library: OpenSSL 3.0.13 30 Jan 2024)\n',
};

class ToolsOnPath implements ProcessRunner {
  readonly asked: string[] = [];
  constructor(
    private readonly present: readonly string[],
    private readonly overrides: Record<string, string> = {},
  ) {}
  async run(argv: readonly string[]): Promise<RunOutput> {
    const tool = argv[0] ?? '';
    this.asked.push(tool);
    if (!this.present.includes(tool)) {
      const message = `Command failed with ENOENT: ${argv.join(' ')}\nspawn ${tool} ENOENT`;
      throw new CommandError(argv, null, message, message);
    }
    return { stdout: this.overrides[tool] ?? OUTPUTS[tool] ?? '', stderr: '', exitCode: 0 };
  }
  async pipe(): Promise<RunOutput> {
    throw new Error('not used');
  }
}

function bufferIo(): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return { out: (t) => void (out += t), err: (t) => void (err += t), stdout: () => out, stderr: () => err };
}

function proc(): MemoryFileSystem {
  return new MemoryFileSystem({
    '/proc/sys/fs/inotify/max_user_watches': '524288\n',
    '/proc/sys/fs/inotify/max_user_instances': '8192\n',
    '/proc/meminfo': `MemTotal:       16365244 kB\nMemAvailable:   ${10 * 1024 * 1024} kB\n`,
  });
}

const TOOLS_BY_SYSTEM: Record<string, ToolName[]> = {
  baseline: [],
  cilium: ['helm', 'cilium'],
  istio: ['istioctl'],
  'istio-ambient': ['istioctl', 'helm'],
  linkerd: ['linkerd'],
};
const toolsFor = (system: string): ToolName[] => {
  const tools = TOOLS_BY_SYSTEM[system];
  if (!tools) throw new Error(`unknown system ${system}`);
  return tools;
};

async function doctor(systems: string[] | 'all', runner: ToolsOnPath, cores = 8) {
  const io = bufferIo();
  const code = await doctorCommand({ systems, toolsFor, versions, deps: { runner, fs: proc(), env: {} }, io, cores });
  return { code, out: io.stdout(), err: io.stderr() };
}

describe('bench doctor', () => {
  it('prints one ✓ line per check with what it found, and exits 0', async () => {
    const runner = new ToolsOnPath(['docker', 'kind', 'kubectl', 'istioctl']);
    const { code, out, err } = await doctor(['baseline', 'istio'], runner);
    expect(code).toBe(ExitCode.ok);
    expect(err).toBe('');
    expect(out).toBe(
      [
        'Checking this machine for: baseline, istio',
        ' ✓ docker engine 28.2.2 (linux/amd64), API 1.50',
        ' ✓ kind v0.32.0',
        ' ✓ kubectl v1.36.1',
        ' ✓ istioctl 1.30.3',
        ' ✓ fs.inotify.max_user_watches 524288 (>= 524288)',
        ' ✓ fs.inotify.max_user_instances 8192 (>= 512)',
        ' ✓ memory 10.0 GiB available (needs 6.0 GiB)',
        ' ✓ cores 8 (needs 4)',
        '0 problems, 0 warnings: ready',
        '',
      ].join('\n'),
    );
  });

  it('prints ✗ with the fix for a problem and ! for a warning, and exits 3 (preflight)', async () => {
    const runner = new ToolsOnPath(['docker', 'kind', 'kubectl', 'helm'], { kubectl: '{"clientVersion":{"gitVersion":"v1.35.2"}}' });
    const { code, out } = await doctor(['cilium'], runner, 2);
    expect(code).toBe(ExitCode.preflight);
    expect(out.split('\n')).toEqual([
      'Checking this machine for: cilium',
      ' ✓ docker engine 28.2.2 (linux/amd64), API 1.50',
      ' ✓ kind v0.32.0',
      ' ! kubectl v1.35.2 found, v1.36.1 pinned in clusters/versions.yaml: results may not match; install v1.36.1 (see .github/scripts/install-tools.sh)',
      ' ✓ helm v3.21.4',
      ' ✗ cilium not found on PATH: install v0.19.7 (see .github/scripts/install-tools.sh)',
      ' ✓ fs.inotify.max_user_watches 524288 (>= 524288)',
      ' ✓ fs.inotify.max_user_instances 8192 (>= 512)',
      ' ✓ memory 10.0 GiB available (needs 6.0 GiB)',
      ' ✗ 2 CPU cores available, the run needs 4: use a machine with at least 4 cores',
      '2 problems, 1 warning: fix the problems (✗) before `bench run`',
      '',
    ]);
  });

  it('warnings alone do not fail it', async () => {
    const runner = new ToolsOnPath(['docker', 'kind', 'kubectl'], { kind: 'kind v0.31.0 go1.25.5 linux/amd64' });
    const { code, out } = await doctor(['baseline'], runner);
    expect(code).toBe(ExitCode.ok);
    expect(out).toContain(' ! kind v0.31.0 found, v0.32.0 pinned');
    expect(out).toContain('0 problems, 1 warning: ready');
  });

  it('for all systems asks every tool', async () => {
    const runner = new ToolsOnPath(['docker', 'kind', 'kubectl', 'helm', 'istioctl', 'linkerd', 'cilium', 'openssl']);
    const { code, out } = await doctor('all', runner);
    expect(code).toBe(ExitCode.ok);
    expect(runner.asked).toEqual(['docker', 'kind', 'kubectl', 'helm', 'istioctl', 'linkerd', 'cilium', 'openssl']);
    expect(out.split('\n')[0]).toBe('Checking this machine for: all systems');
  });
});

describe('toolsToCheck', () => {
  it("is the kind target's tools plus each system's, once each, in a fixed order", () => {
    expect(toolsToCheck(['baseline'], toolsFor)).toEqual(['docker', 'kind', 'kubectl']);
    expect(toolsToCheck(['linkerd', 'istio-ambient', 'cilium', 'istio'], toolsFor)).toEqual([
      'docker',
      'kind',
      'kubectl',
      'helm',
      'istioctl',
      'linkerd',
      'cilium',
    ]);
  });

  it("lets an unknown system's error through", () => {
    expect(() => toolsToCheck(['consul'], toolsFor)).toThrow('unknown system consul');
  });
});
