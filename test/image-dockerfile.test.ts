import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { imageInputs } from '../src/platform/image-tag.js';
import { IN_POD_BENCH } from '../src/platform/in-cluster-load.js';
import { parseVersions } from '../src/platform/versions.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const versions = parseVersions(read('clusters/versions.yaml'), 'clusters/versions.yaml');

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions: comments dropped, `\` continuations joined. */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = `${pending}${line}`.trim();
    pending = '';
    const match = /^(\S+)\s*(.*)$/.exec(full);
    if (match) out.push({ keyword: match[1]!.toUpperCase(), args: match[2]! });
  }
  return out;
}

const dockerfile = instructions(read('Dockerfile'));
const stages = (): Instruction[][] => {
  const result: Instruction[][] = [];
  for (const i of dockerfile) {
    if (i.keyword === 'FROM') result.push([]);
    result.at(-1)?.push(i);
  }
  return result;
};

/** Every file in the checkout, repository-relative, except installed, generated and VCS trees. */
function repoFiles(dir = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = dir === '' ? entry.name : posix.join(dir, entry.name);
    if (dir === '' && ['.git', 'node_modules', 'dist', '.tmp'].includes(entry.name)) continue;
    if (entry.isDirectory()) files.push(...repoFiles(rel));
    else if (entry.isFile()) files.push(rel);
  }
  return files;
}

/** The context paths COPY/ADD take from the build context (not `--from` another stage). */
function contextSources(): string[] {
  const sources: string[] = [];
  for (const i of dockerfile) {
    if (i.keyword !== 'COPY' && i.keyword !== 'ADD') continue;
    const words = i.args.split(/\s+/);
    if (words.some((w) => w.startsWith('--from'))) continue;
    const paths = words.filter((w) => !w.startsWith('--'));
    sources.push(...paths.slice(0, -1).map((p) => p.replace(/^\.\//, '').replace(/\/$/, '')));
  }
  return sources;
}

/**
 * .dockerignore as Docker reads it: patterns are Go filepath.Match globs (plus `**`) against the path and each of
 * its parent directories; `!` re-includes; the last matching line wins.
 */
function dockerignoreExcludes(patterns: string[], path: string): boolean {
  const parents = path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
  let excluded = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = posix.normalize((negated ? raw.slice(1) : raw).replace(/^\/+/, ''));
    if (parents.some((p) => globToRegExp(pattern).test(p))) excluded = !negated;
  }
  return excluded;
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const ignorePatterns = read('.dockerignore')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

describe('Dockerfile base image', () => {
  it('every stage starts FROM the digest pinned in clusters/versions.yaml (images.workloadBase)', () => {
    const froms = dockerfile.filter((i) => i.keyword === 'FROM').map((i) => i.args.split(/\s+/)[0]);
    expect(froms).toEqual([versions.images.workloadBase, versions.images.workloadBase]);
    expect(versions.images.workloadBase).toMatch(/^node:22-slim@sha256:[0-9a-f]{64}$/);
  });

  it('is multi-stage: the runtime stage takes only build outputs from the build stage', () => {
    const [build, runtime] = stages();
    expect(build?.[0]?.args).toMatch(/ AS build$/);
    const runtimeCopies = runtime?.filter((i) => i.keyword === 'COPY').map((i) => i.args) ?? [];
    expect(runtimeCopies).toEqual([
      '--from=build /app/package.json ./package.json',
      '--from=build /app/node_modules ./node_modules',
      '--from=build /app/dist ./dist',
      '--from=build /app/bin ./bin',
    ]);
    const buildRuns = build?.filter((i) => i.keyword === 'RUN').map((i) => JSON.parse(i.args) as string[]) ?? [];
    expect(buildRuns).toEqual([
      ['npm', 'ci', '--ignore-scripts'],
      ['npm', 'run', 'build'],
      ['npm', 'prune', '--omit=dev', '--ignore-scripts'],
    ]);
  });
});

describe('Dockerfile runtime stage', () => {
  const runtime = stages().at(-1) ?? [];
  const last = (keyword: string) => runtime.filter((i) => i.keyword === keyword).at(-1)?.args;

  it('runs as the node user (1000:1000), in /app, exposing 8080', () => {
    expect(last('USER')).toBe('1000:1000');
    expect(last('WORKDIR')).toBe('/app');
    expect(last('EXPOSE')).toBe('8080');
  });

  it('has an exec-form CMD (a JSON array), no shell form, no ENTRYPOINT', () => {
    const cmd = last('CMD');
    expect(cmd).toBeDefined();
    const argv = JSON.parse(cmd!) as unknown;
    expect(Array.isArray(argv) && argv.every((a) => typeof a === 'string')).toBe(true);
    expect(argv).toEqual(['node', 'dist/src/workload/main.js', '--host', '0.0.0.0', '--port', '8080']);
    expect(dockerfile.some((i) => i.keyword === 'ENTRYPOINT')).toBe(false);
    for (const i of dockerfile.filter((x) => x.keyword === 'RUN' || x.keyword === 'CMD')) {
      expect(i.args.startsWith('['), `${i.keyword} ${i.args}`).toBe(true);
    }
  });

  it('runs programs the build produces: dist/src/X.js for every src/X.ts the image and the manifests start', () => {
    const manifests = read('src/platform/manifests.ts');
    const started = [
      ...JSON.parse(last('CMD')!) as string[],
      ...[...manifests.matchAll(/'node', '(dist\/[^']+\.js)'/g)].map((m) => m[1]!),
    ].filter((a) => a.startsWith('dist/'));
    expect(started.length).toBeGreaterThan(0);
    for (const js of started) {
      expect(existsSync(join(ROOT, js.replace(/^dist\//, '').replace(/\.js$/, '.ts'))), js).toBe(true);
    }
  });

  it('holds the script the in-pod load steps run (`node bin/bench.js load …`)', () => {
    const script = IN_POD_BENCH[1];
    expect(IN_POD_BENCH[0]).toBe('node');
    const topDir = script.split('/')[0]!;
    expect(runtime.filter((i) => i.keyword === 'COPY').map((i) => i.args)).toContain(`--from=build /app/${topDir} ./${topDir}`);
    expect(existsSync(join(ROOT, script)), script).toBe(true);
  });
});

describe('the build context and the image tag', () => {
  const files = repoFiles();
  const inputs = imageInputs(files);

  it('COPY takes from the context exactly the files the tag hashes (imageInputs), besides Dockerfile and .dockerignore', () => {
    const copied = new Set<string>();
    for (const source of contextSources()) {
      expect(existsSync(join(ROOT, source)), `COPY source ${source}`).toBe(true);
      if (statSync(join(ROOT, source)).isDirectory()) {
        for (const f of files) if (f.startsWith(`${source}/`)) copied.add(f);
      } else copied.add(source);
    }
    expect([...copied].sort()).toEqual(inputs.filter((p) => p !== 'Dockerfile' && p !== '.dockerignore'));
  });

  it('.dockerignore lets through exactly the image inputs (an allowlist)', () => {
    const sent = files.filter((f) => !dockerignoreExcludes(ignorePatterns, f)).sort();
    // Docker always sends the Dockerfile and .dockerignore themselves.
    expect(sent).toEqual(inputs.filter((p) => p !== 'Dockerfile' && p !== '.dockerignore'));
    expect(ignorePatterns[0]).toBe('*');
  });

  it('.dockerignore keeps out node_modules, dist, results, .git and test', () => {
    for (const path of ['node_modules/yaml/package.json', 'dist/src/cli/bin.js', 'results/run/results.json', '.git/HEAD', 'test/x.test.ts', '.env']) {
      expect(dockerignoreExcludes(ignorePatterns, path), path).toBe(true);
    }
    expect(dockerignoreExcludes(ignorePatterns, 'src/workload/main.ts')).toBe(false);
  });

  it('the .dockerignore reading used here follows Docker: last match wins, parents count', () => {
    expect(dockerignoreExcludes(['*', '!src'], 'src/a/b.ts')).toBe(false);
    expect(dockerignoreExcludes(['*', '!src', 'src/secret'], 'src/secret/key')).toBe(true);
    expect(dockerignoreExcludes(['**/*.md', '!README.md'], 'README.md')).toBe(false);
    expect(dockerignoreExcludes(['**/*.md', '!README.md'], 'docs/x.md')).toBe(true);
  });
});

describe('no floating tags', () => {
  it('no :latest (or @latest, or a /latest/ download) in the Dockerfile, the workflow or the install script', () => {
    for (const path of ['Dockerfile', '.dockerignore', '.github/workflows/nightly.yml', '.github/scripts/install-tools.sh']) {
      const text = read(path);
      expect(text, path).not.toMatch(/:latest\b/);
      expect(text, path).not.toMatch(/@latest\b/);
      expect(text, path).not.toMatch(/\/latest\//);
    }
  });
});
