import { describe, expect, it } from 'vitest';
import { imageInputs, imageTag, type ImageInput } from '../src/platform/image-tag.js';

const inputs: ImageInput[] = [
  { path: 'Dockerfile', bytes: 'FROM node:22-slim@sha256:48e4\n' },
  { path: 'package.json', bytes: '{"name":"mesh-bench"}\n' },
  { path: 'src/workload/server.ts', bytes: Buffer.from('export const x = 1;\n') },
  { path: 'src/workload/main.ts', bytes: 'import "./server.js";\n' },
];

describe('imageTag', () => {
  it('is mesh-bench:<12 hex>, never latest', () => {
    const tag = imageTag(inputs);
    expect(tag).toMatch(/^mesh-bench:[0-9a-f]{12}$/);
    expect(tag).not.toContain('latest');
  });

  it('is the same for the same inputs, in any order, as strings or bytes', () => {
    const shuffled = [...inputs].reverse();
    const asBytes = inputs.map((i) => ({ path: i.path, bytes: Buffer.from(i.bytes) }));
    expect(imageTag(shuffled)).toBe(imageTag(inputs));
    expect(imageTag(asBytes)).toBe(imageTag(inputs));
  });

  it('changes when any byte of any file changes', () => {
    const base = imageTag(inputs);
    const seen = new Set([base]);
    inputs.forEach((input, i) => {
      const bytes = Buffer.from(input.bytes);
      for (const at of [0, bytes.length - 1]) {
        const changed = Buffer.from(bytes);
        changed[at] = (changed[at] as number) ^ 0x01;
        const tag = imageTag(inputs.map((x, j) => (j === i ? { path: x.path, bytes: changed } : x)));
        expect(tag).not.toBe(base);
        seen.add(tag);
      }
    });
    expect(seen.size).toBe(1 + inputs.length * 2);
  });

  it('changes when a file is added, removed or renamed', () => {
    const base = imageTag(inputs);
    expect(imageTag([...inputs, { path: 'src/new.ts', bytes: '' }])).not.toBe(base);
    expect(imageTag(inputs.slice(1))).not.toBe(base);
    expect(imageTag(inputs.map((x, i) => (i === 1 ? { ...x, path: 'package.jsonx' } : x)))).not.toBe(base);
  });

  it('does not confuse where one file ends and the next begins', () => {
    expect(imageTag([{ path: 'a', bytes: 'bc' }, { path: 'd', bytes: '' }])).not.toBe(
      imageTag([{ path: 'a', bytes: 'b' }, { path: 'd', bytes: 'c' }]),
    );
    expect(imageTag([{ path: 'ab', bytes: 'c' }])).not.toBe(imageTag([{ path: 'a', bytes: 'bc' }]));
  });

  it('refuses no inputs and a path given twice', () => {
    expect(() => imageTag([])).toThrow(/no inputs/);
    expect(() => imageTag([...inputs, { path: 'Dockerfile', bytes: '' }])).toThrow(/Dockerfile given twice/);
  });
});

describe('imageInputs', () => {
  const repo = [
    'bin/bench.js',
    'clusters/versions.yaml',
    'Dockerfile',
    '.dockerignore',
    'package-lock.json',
    'package.json',
    'README.md',
    'results/run-1.json',
    'scenarios/default.yaml',
    'src/cli/main.ts',
    'src/workload/server.ts',
    'srcx/other.ts',
    'test/cluster-image-tag.test.ts',
    'tsconfig.build.json',
    'tsconfig.json',
    'vitest.config.ts',
    'node_modules/yaml/package.json',
  ];

  it('picks the build files, bin/ and src/, sorted', () => {
    expect(imageInputs(repo)).toEqual([
      '.dockerignore',
      'Dockerfile',
      'bin/bench.js',
      'package-lock.json',
      'package.json',
      'src/cli/main.ts',
      'src/workload/server.ts',
      'tsconfig.build.json',
      'tsconfig.json',
    ]);
  });

  it('is a function of the set of files: order, ./ prefixes, backslashes and duplicates do not matter', () => {
    const messy = [...repo].reverse().map((p) => (p.startsWith('src/') ? `.\\${p.replaceAll('/', '\\')}` : p));
    expect(imageInputs([...messy, 'src/cli/main.ts'])).toEqual(imageInputs(repo));
  });

  it('ignores tests, results and docs: changing them keeps the tag', () => {
    const picked = imageInputs(repo);
    expect(picked.some((p) => p.startsWith('test/') || p.startsWith('results/') || p.endsWith('.md'))).toBe(false);
  });
});
