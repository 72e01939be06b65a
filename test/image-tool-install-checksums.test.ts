import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * .github/scripts/install-tools.sh run for real, against a fake `curl` that serves files from a directory instead
 * of the network: every download must pass its sha256 check or nothing is installed.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCRIPT = join(ROOT, '.github/scripts/install-tools.sh');
const VERSIONS = readFileSync(join(ROOT, 'clusters/versions.yaml'), 'utf8');

const FAKE_CURL = `#!/usr/bin/env bash
# Serves https://<host>/<path> from $FAKE_WEB/<host>/<path>; logs each URL; 404 like curl --fail (exit 22).
out=''; url=''
while [[ $# -gt 0 ]]; do
  case $1 in
    --output|--proto|--proto-redir|--retry) [[ $1 == --output ]] && out=$2; shift 2 ;;
    -*) shift ;;
    *) url=$1; shift ;;
  esac
done
printf '%s\\n' "$url" >> "$FAKE_WEB/requests.log"
[[ $url == https://* ]] || { echo "curl: not https: $url" >&2; exit 1; }
src="$FAKE_WEB/\${url#https://}"
[[ -f $src ]] || { echo "curl: (22) The requested URL returned error: 404" >&2; exit 22; }
cp "$src" "$out"
`;

let dir: string;
let web: string;
let bin: string;
let installDir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'install-tools-'));
  web = join(dir, 'web');
  bin = join(dir, 'bin');
  installDir = join(dir, 'installed');
  mkdirSync(web);
  mkdirSync(bin);
  writeFileSync(join(bin, 'curl'), FAKE_CURL);
  chmodSync(join(bin, 'curl'), 0o755);
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

function serve(url: string, content: Buffer | string): void {
  const path = join(web, url.replace(/^https:\/\//, ''));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** A tar.gz holding `member` (a path inside the archive) with `content`. */
function tarball(member: string, content: string): Buffer {
  const stage = mkdtempSync(join(dir, 'tar-'));
  mkdirSync(dirname(join(stage, member)), { recursive: true });
  writeFileSync(join(stage, member), content);
  const out = join(dir, `${sha256(member + content)}.tar.gz`);
  const tar = spawnSync('tar', ['-czf', out, '-C', stage, member]);
  if (tar.status !== 0) throw new Error(String(tar.stderr));
  return readFileSync(out);
}

function install(tools: string[], versionsText = VERSIONS) {
  const versionsFile = join(dir, 'versions.yaml');
  writeFileSync(versionsFile, versionsText);
  const result = spawnSync('bash', [SCRIPT, ...tools], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, FAKE_WEB: web, INSTALL_DIR: installDir, VERSIONS_FILE: versionsFile },
  });
  const requests = existsSync(join(web, 'requests.log')) ? readFileSync(join(web, 'requests.log'), 'utf8').trim().split('\n') : [];
  return { status: result.status, stderr: result.stderr, requests };
}

const KIND_URL = 'https://github.com/kubernetes-sigs/kind/releases/download/v0.32.0/kind-linux-amd64';
const LINKERD_URL = 'https://github.com/linkerd/linkerd2/releases/download/edge-26.8.3/linkerd2-cli-edge-26.8.3-linux-amd64';
const HELM_URL = 'https://get.helm.sh/helm-v3.21.4-linux-amd64.tar.gz';
const ISTIOCTL_URL = 'https://github.com/istio/istio/releases/download/1.30.3/istioctl-1.30.3-linux-amd64.tar.gz';
const CILIUM_URL = 'https://github.com/cilium/cilium-cli/releases/download/v0.19.7/cilium-linux-amd64.tar.gz';

describe('install-tools.sh', () => {
  it('is strict bash: set -euo pipefail, and parses', () => {
    const text = readFileSync(SCRIPT, 'utf8');
    expect(text.split('\n')[0]).toBe('#!/usr/bin/env bash');
    expect(text).toMatch(/^set -euo pipefail$/m);
    expect(spawnSync('bash', ['-n', SCRIPT]).status).toBe(0);
  });

  it('installs a binary whose sha256 matches the upstream checksum file, at the URLs versions.yaml pins', () => {
    const kind = '#!/bin/sh\necho "kind v0.32.0 go1.25.5 linux/amd64"\n';
    serve(KIND_URL, kind);
    // kind's checksum files are `shasum -a 256` output: "<hash>  <name>".
    serve(`${KIND_URL}.sha256sum`, `${sha256(kind)}  kind-linux-amd64\n`);
    const linkerd = '#!/bin/sh\necho edge-26.8.3\n';
    serve(LINKERD_URL, linkerd);
    // linkerd's .sha256 holds the bare hash (run.linkerd.io/install-edge compares it as is).
    serve(`${LINKERD_URL}.sha256`, sha256(linkerd));
    const { status, stderr, requests } = install(['kind', 'linkerd']);
    expect(stderr).not.toMatch(/mismatch/);
    expect(status).toBe(0);
    expect(readFileSync(join(installDir, 'kind'), 'utf8')).toBe(kind);
    expect(readFileSync(join(installDir, 'linkerd'), 'utf8')).toBe(linkerd);
    expect(requests).toEqual([`${KIND_URL}.sha256sum`, KIND_URL, `${LINKERD_URL}.sha256`, LINKERD_URL]);
  });

  it('fails hard on a checksum mismatch and installs nothing', () => {
    serve(KIND_URL, 'tampered\n');
    serve(`${KIND_URL}.sha256sum`, `${sha256('the real kind')}  kind-linux-amd64\n`);
    const { status, stderr } = install(['kind']);
    expect(status).toBe(1);
    expect(stderr).toContain(`install-tools: checksum mismatch for ${KIND_URL}: expected ${sha256('the real kind')}, got ${sha256('tampered\n')}`);
    expect(existsSync(join(installDir, 'kind'))).toBe(false);
  });

  it('fails when the checksum file cannot be had, or names another file, or holds no hash', () => {
    serve(KIND_URL, 'kind\n');
    expect(install(['kind']).stderr).toContain(`cannot download checksum file ${KIND_URL}.sha256sum`);
    serve(`${KIND_URL}.sha256sum`, `${sha256('kind\n')}  kind-darwin-arm64\n`);
    expect(install(['kind']).stderr).toContain('is the checksum of kind-darwin-arm64, not of kind-linux-amd64');
    serve(`${KIND_URL}.sha256sum`, '<html>Not Found</html>\n');
    const noHash = install(['kind']);
    expect(noHash.status).toBe(1);
    expect(noHash.stderr).toContain('does not start with a sha256');
    expect(existsSync(join(installDir, 'kind'))).toBe(false);
  });

  it('checks against the sha256 pinned in versions.yaml, which must agree with the upstream file', () => {
    const archive = tarball('linux-amd64/helm', '#!/bin/sh\necho v3.21.4\n');
    serve(HELM_URL, archive);
    serve(`${HELM_URL}.sha256sum`, `${sha256(archive)}  helm-v3.21.4-linux-amd64.tar.gz\n`);
    // The shipped pin is the real helm archive's hash, so this stand-in archive must be refused.
    const refused = install(['helm']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      `sha256 pinned in versions.yaml for ${HELM_URL} is 61f88ab166748cb19604d7884cb100ae9ccb13804ddeb98e08af167eacbb6a14, but ${HELM_URL}.sha256sum says ${sha256(archive)}`,
    );
    expect(existsSync(join(installDir, 'helm'))).toBe(false);

    const doc = parseDocument(VERSIONS);
    doc.setIn(['helm', 'linuxAmd64', 'sha256'], sha256(archive));
    const accepted = install(['helm'], doc.toString());
    expect(accepted.stderr).toBe(`install-tools: helm-v3.21.4-linux-amd64.tar.gz: sha256 ${sha256(archive)} ok\ninstall-tools: installed ${installDir}/helm\n`);
    expect(accepted.status).toBe(0);
    expect(readFileSync(join(installDir, 'helm'), 'utf8')).toBe('#!/bin/sh\necho v3.21.4\n');
  });

  it('a pin alone is not enough when the upstream file disagrees, even if the download matches the pin', () => {
    const archive = tarball('linux-amd64/helm', 'helm\n');
    serve(HELM_URL, archive);
    serve(`${HELM_URL}.sha256sum`, `${sha256('something else')}  helm-v3.21.4-linux-amd64.tar.gz\n`);
    const doc = parseDocument(VERSIONS);
    doc.setIn(['helm', 'linuxAmd64', 'sha256'], sha256(archive));
    const { status, stderr } = install(['helm'], doc.toString());
    expect(status).toBe(1);
    expect(stderr).toContain('but');
    expect(existsSync(join(installDir, 'helm'))).toBe(false);
  });

  it("installs istioctl and cilium from their releases' archives and checksum assets", () => {
    const istioctl = tarball('istioctl', '#!/bin/sh\necho 1.30.3\n');
    serve(ISTIOCTL_URL, istioctl);
    // istio/release-builder CreateSha: "%x %s\n", one space.
    serve(`${ISTIOCTL_URL}.sha256`, `${sha256(istioctl)} istioctl-1.30.3-linux-amd64.tar.gz\n`);
    const cilium = tarball('cilium', '#!/bin/sh\necho cilium-cli: v0.19.7\n');
    serve(CILIUM_URL, cilium);
    serve(`${CILIUM_URL}.sha256sum`, `${sha256(cilium)}  cilium-linux-amd64.tar.gz\n`);
    const { status, stderr } = install(['istioctl', 'cilium']);
    expect(stderr).not.toMatch(/mismatch|cannot/);
    expect(status).toBe(0);
    expect(readFileSync(join(installDir, 'istioctl'), 'utf8')).toBe('#!/bin/sh\necho 1.30.3\n');
    expect(readFileSync(join(installDir, 'cilium'), 'utf8')).toBe('#!/bin/sh\necho cilium-cli: v0.19.7\n');
  });

  it('refuses a pin that is not a plain version (it goes into URLs and paths)', () => {
    const doc = parseDocument(VERSIONS);
    doc.setIn(['meshes', 'linkerd', 'version'], 'edge-26.8.3/../../evil');
    const { status, stderr, requests } = install(['linkerd'], doc.toString());
    expect(status).toBe(1);
    expect(stderr).toContain('meshes.linkerd.version: not a version');
    expect(requests).toEqual([]);
  });

  it('refuses an unknown tool before downloading anything', () => {
    const { status, stderr, requests } = install(['kubectl', 'docker']);
    expect(status).toBe(1);
    expect(stderr).toContain('unknown tool docker');
    expect(requests).toEqual([]);
  });
});
