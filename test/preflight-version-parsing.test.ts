import { describe, expect, it } from 'vitest';
import {
  parseCiliumCliVersion,
  parseDockerServerVersion,
  parseHelmVersion,
  parseIstioctlClientVersion,
  parseKindVersion,
  parseKubectlClientVersion,
  parseLinkerdClientVersion,
  parseMemAvailableBytes,
  parseProcInteger,
} from '../src/platform/preflight.js';

describe('docker version --format {{json .Server}}', () => {
  // The "Server" object of docker/cli docs/reference/commandline/version.md ("Dump raw JSON data", Docker 19.03.8,
  // as kept in docker-archive/docker-ce components/cli/docs/reference/commandline/version.md).
  const server =
    '{"Platform":{"Name":"Docker Engine - Community"},"Components":[{"Name":"Engine","Version":"19.03.8","Details":' +
    '{"ApiVersion":"1.40","Arch":"amd64","BuildTime":"Wed Mar 11 01:29:16 2020","Experimental":"true","GitCommit":' +
    '"afacb8b","GoVersion":"go1.12.17","KernelVersion":"4.19.76-linuxkit","MinAPIVersion":"1.12","Os":"linux"}},' +
    '{"Name":"containerd","Version":"v1.2.13","Details":{"GitCommit":"7ad184331fa3e55e52b890ea95e65ba581ae3429"}}],' +
    '"Version":"19.03.8","ApiVersion":"1.40","MinAPIVersion":"1.12","GitCommit":"afacb8b","GoVersion":"go1.12.17",' +
    '"Os":"linux","Arch":"amd64","KernelVersion":"4.19.76-linuxkit","Experimental":true,' +
    '"BuildTime":"2020-03-11T01:29:16.000000000+00:00"}';

  it('reads the engine version, its API version and platform when an engine answered', () => {
    expect(parseDockerServerVersion(`${server}\n`)).toEqual({
      reachable: true,
      version: '19.03.8',
      apiVersion: '1.40',
      os: 'linux',
      arch: 'amd64',
    });
  });

  it('reads `null` (Docker CLI 28.2.2 with no daemon; "Server":null in docker-archive/compose-cli#1515) as no engine', () => {
    expect(parseDockerServerVersion('null\n')).toEqual({ reachable: false });
    expect(parseDockerServerVersion('')).toEqual({ reachable: false });
    expect(parseDockerServerVersion('{"Platform":{"Name":""}}')).toEqual({ reachable: false });
  });
});

describe('kind version', () => {
  // DisplayVersion() at v0.32.0: "kind v" + Version() + " " + runtime.Version() + " " + GOOS/GOARCH. The Go version
  // here is illustrative; the shape is kind's (also ../shared/reference/kind/v0.32.0/node-images.json).
  it('reads a release build', () => {
    expect(parseKindVersion('kind v0.32.0 go1.25.5 linux/amd64\n')).toBe('v0.32.0');
  });

  it('keeps a pre-release suffix (version(): "-" preRelease "." commitCount "+" commit)', () => {
    expect(parseKindVersion('kind v0.33.0-alpha.12+fed26882a1b2c3 go1.25.5 linux/amd64\n')).toBe('v0.33.0-alpha.12+fed26882a1b2c3');
  });

  it('reads nothing from other output', () => {
    expect(parseKindVersion('0.32.0\n')).toBeUndefined();
    expect(parseKindVersion('')).toBeUndefined();
  });
});

describe('kubectl version --client --output json', () => {
  // Verbatim stdout from oalders/is#34 (kubectl v1.25.2; the connection error there went to stderr).
  const sample = `{
  "clientVersion": {
    "major": "1",
    "minor": "25",
    "gitVersion": "v1.25.2",
    "gitCommit": "5835544ca568b757a8ecae5c153f317e5736700e",
    "gitTreeState": "clean",
    "buildDate": "2022-09-21T14:33:49Z",
    "goVersion": "go1.19.1",
    "compiler": "gc",
    "platform": "darwin/arm64"
  },
  "kustomizeVersion": "v4.5.7"
}
`;

  it('reads clientVersion.gitVersion', () => {
    expect(parseKubectlClientVersion(sample)).toBe('v1.25.2');
  });

  it('reads nothing from the old text form or broken JSON', () => {
    // kubernetes-sigs/kustomize#1424: the pre-JSON `kubectl version` text.
    expect(
      parseKubectlClientVersion(
        'Client Version: version.Info{Major:"1", Minor:"23", GitVersion:"v1.23.2", GitCommit:"9d142434e3af351a628bffee3939e64c681afa4d"}',
      ),
    ).toBeUndefined();
    expect(parseKubectlClientVersion('{"serverVersion":{"gitVersion":"v1.36.1"}}')).toBeUndefined();
  });
});

describe('helm version', () => {
  it('reads --template {{.Version}} (cmd/helm/version.go: "outputs \'Version: v3.2.1\'" for a prefixed template)', () => {
    expect(parseHelmVersion('v3.21.4')).toBe('v3.21.4');
  });

  it('reads --short, dropping +g<commit> (formatVersion: Version + "+g" + GitCommit[:7])', () => {
    // helm's own example: Version "v3.2.1", GitCommit "fe51cd1e31e6a202cba7dead9552a6d418ded79a".
    expect(parseHelmVersion('v3.2.1+gfe51cd1\n')).toBe('v3.2.1');
  });

  it('reads nothing from the default BuildInfo dump', () => {
    expect(
      parseHelmVersion('version.BuildInfo{Version:"v3.2.1", GitCommit:"fe51cd1e31e6a202cba7dead9552a6d418ded79a", GitTreeState:"clean", GoVersion:"go1.13.10"}'),
    ).toBeUndefined();
  });
});

describe('istioctl version --remote=false --output json', () => {
  // pkg/version/cobra.go at 1.30.3: json.MarshalIndent(&version, "", "  ") of Version{ClientVersion: &BuildInfo};
  // BuildInfo's json tags from pkg/version/version.go. No literal sample exists upstream
  // (../shared/reference/cli-samples/istio/version-json.shape.json); this one is built from those structs.
  const sample = `{
  "clientVersion": {
    "version": "1.30.3",
    "revision": "56df41f63e513f834c9a3af33d8aed82d1d961f2",
    "golang_version": "go1.25.4",
    "status": "Clean",
    "tag": "1.30.3"
  }
}
`;

  it('reads clientVersion.version', () => {
    expect(parseIstioctlClientVersion(sample)).toBe('1.30.3');
  });

  it('reads the short text form ("client version: %s\\n" in cobra.go)', () => {
    expect(parseIstioctlClientVersion('client version: 1.26.1\n')).toBe('1.26.1');
  });

  it('reads nothing when there is no client version', () => {
    expect(parseIstioctlClientVersion('{"meshVersion":[]}')).toBeUndefined();
    expect(parseIstioctlClientVersion('no ready Istio pods in "istio-system"\n')).toBeUndefined();
  });
});

describe('linkerd version --client --short', () => {
  // cli/cmd/version.go at edge-26.8.3: --short prints version.Version alone; otherwise "Client version: %s".
  it('reads the bare version', () => {
    expect(parseLinkerdClientVersion('edge-26.8.3\n')).toBe('edge-26.8.3');
    expect(parseLinkerdClientVersion('stable-2.14.10\n')).toBe('stable-2.14.10');
  });

  it('reads the long form too', () => {
    expect(parseLinkerdClientVersion('Client version: edge-26.8.3\n')).toBe('edge-26.8.3');
  });

  it('reads an unreleased build as itself (pkg/version: "dev-undefined"), and nothing from other text', () => {
    expect(parseLinkerdClientVersion('dev-undefined\n')).toBe('dev-undefined');
    expect(parseLinkerdClientVersion('Error: unknown flag: --short\n')).toBeUndefined();
  });
});

describe('cilium version --client', () => {
  it('reads the cilium-cli line (verbatim output from cilium/cilium-cli#1310)', () => {
    const sample =
      'cilium-cli: v0.12.8 compiled with go1.19.4 on linux/amd64\n' +
      'cilium image (default): v1.12.2\n' +
      'cilium image (stable): v1.12.5\n';
    expect(parseCiliumCliVersion(sample)).toBe('v0.12.8');
  });

  it('reads a development build as printed (cilium/cilium#36344)', () => {
    expect(parseCiliumCliVersion('cilium-cli: v1.17.0-pre.3-41-g544d680f9e compiled with go1.23.3 on linux/amd64\n')).toBe(
      'v1.17.0-pre.3-41-g544d680f9e',
    );
  });

  it('reads nothing from v0.16.0, which printed no version (cilium/cilium-cli#2395)', () => {
    expect(parseCiliumCliVersion('cilium-cli:  compiled with go1.22.0 on linux/amd64\ncilium image (default): v1.15.1\n')).toBeUndefined();
  });
});

describe('/proc values', () => {
  // The head of a real /proc/meminfo (Linux 6.x); proc(5): values in kB (kibibytes).
  const meminfo = [
    'MemTotal:       16365244 kB',
    'MemFree:         1032116 kB',
    'MemAvailable:   11874532 kB',
    'Buffers:          457168 kB',
    'Cached:          9813792 kB',
    'SwapCached:            0 kB',
  ].join('\n');

  it('reads MemAvailable as bytes', () => {
    expect(parseMemAvailableBytes(meminfo)).toBe(11_874_532 * 1024);
  });

  it('does not take MemFree or MemTotal for MemAvailable', () => {
    expect(parseMemAvailableBytes(meminfo.replace('MemAvailable:   11874532 kB\n', ''))).toBeUndefined();
  });

  it('reads a sysctl value with its newline, and nothing else', () => {
    expect(parseProcInteger('524288\n')).toBe(524_288);
    expect(parseProcInteger('8192')).toBe(8192);
    expect(parseProcInteger('')).toBeUndefined();
    expect(parseProcInteger('-1\n')).toBeUndefined();
    expect(parseProcInteger('12 34\n')).toBeUndefined();
  });
});
