import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { referenceFiles, referencePathsUnder, resolveReference, sharedReferenceDir, type ReferenceRoots } from './helpers/reference.js';

/** The tests' reference helper, on temporary roots standing in for ../shared/reference and .cache/reference. */
const DOWNLOADABLE = 'istio/1.30.3/profiles/ambient.yaml';
const DERIVED = 'cli-samples/istio/version-json.shape.json';

let dir: string;
let roots: ReferenceRoots;
const put = (root: string, path: string, text: string) => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mesh-bench-reference-'));
  roots = { shared: join(dir, 'shared', 'reference'), cache: join(dir, 'repo', '.cache', 'reference') };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveReference', () => {
  it('finds a file in ../shared/reference first, then in the cache, else says "absent"', () => {
    expect(resolveReference(DOWNLOADABLE, roots)).toBe('absent');
    put(roots.cache, DOWNLOADABLE, 'from the cache');
    expect(resolveReference(DOWNLOADABLE, roots)).toBe(join(roots.cache, DOWNLOADABLE));
    put(roots.shared, DOWNLOADABLE, 'from shared');
    expect(resolveReference(DOWNLOADABLE, roots)).toBe(join(roots.shared, DOWNLOADABLE));
  });

  it('refuses a file the manifest does not list, so the manifest stays complete', () => {
    expect(() => resolveReference('istio/1.30.3/profiles/demo.yaml', roots)).toThrow(
      'reference file "istio/1.30.3/profiles/demo.yaml" is not in test/reference/sources.json',
    );
  });

  it('lists a folder from the manifest, not from a directory that may be absent', () => {
    expect(referencePathsUnder('istio/1.30.3/profiles')).toEqual([
      'istio/1.30.3/profiles/ambient.yaml',
      'istio/1.30.3/profiles/default.yaml',
      'istio/1.30.3/profiles/minimal.yaml',
    ]);
    expect(() => referencePathsUnder('istio/9.9.9/')).toThrow(/no reference file under "istio\/9\.9\.9\/"/);
  });
});

describe('referenceFiles', () => {
  const collect = () => {
    const lines: string[] = [];
    return { lines, warn: (l: string) => lines.push(l) };
  };

  it('reads every file from where it was found, printing nothing', () => {
    put(roots.shared, DOWNLOADABLE, 'shared bytes');
    put(roots.cache, DERIVED, 'cached bytes');
    const out = collect();
    const ref = referenceFiles('two tests', [DOWNLOADABLE, DERIVED], { roots, env: {}, warn: out.warn });
    expect(ref.available).toBe(true);
    expect(ref.skipLine).toBeUndefined();
    expect(ref.read(DOWNLOADABLE)).toBe('shared bytes');
    expect(ref.bytes(DERIVED).toString()).toBe('cached bytes');
    expect(ref.url(DERIVED).href).toBe(`file://${join(roots.cache, DERIVED)}`);
    expect(out.lines).toEqual([]);
  });

  it('prints one line naming what is skipped, the missing file and `npm run reference` when it can be downloaded', () => {
    const out = collect();
    const ref = referenceFiles('the profile tests', [DOWNLOADABLE], { roots, env: {}, warn: out.warn });
    expect(ref.available).toBe(false);
    expect(out.lines).toEqual([
      `skipped the profile tests: ${DOWNLOADABLE} not in ../shared/reference nor .cache/reference; run \`npm run reference\` to fetch them`,
    ]);
    expect(ref.skipLine).toBe(out.lines[0]);
  });

  it('says a file that cannot be downloaded needs ../shared/reference, instead of promising `npm run reference`', () => {
    const out = collect();
    referenceFiles('the shape test', [DERIVED], { roots, env: {}, warn: out.warn });
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toContain(`skipped the shape test: ${DERIVED} not in`);
    expect(out.lines[0]).toContain('not downloadable');
    expect(out.lines[0]).toContain('../shared/reference beside the repository');
    expect(out.lines[0]).not.toContain('npm run reference');
  });

  it('with REQUIRE_REFERENCE=1 (CI) throws instead of skipping', () => {
    const out = collect();
    expect(() => referenceFiles('the profile tests', [DOWNLOADABLE], { roots, env: { REQUIRE_REFERENCE: '1' }, warn: out.warn })).toThrow(
      `REQUIRE_REFERENCE=1 but cannot run the profile tests: ${DOWNLOADABLE} not in ../shared/reference nor .cache/reference`,
    );
    expect(out.lines).toEqual([]);
  });

  it('is available only when every file asked for is found', () => {
    put(roots.cache, DOWNLOADABLE, 'x');
    const ref = referenceFiles('mixed', [DOWNLOADABLE, DERIVED], { roots, env: {}, warn: () => {} });
    expect(ref.available).toBe(false);
    expect(ref.read(DOWNLOADABLE)).toBe('x');
    expect(() => ref.read(DERIVED)).toThrow(`reference file "${DERIVED}" is absent`);
  });

  it('refuses to read a file that was not declared', () => {
    put(roots.shared, DOWNLOADABLE, 'x');
    const ref = referenceFiles('one test', [DOWNLOADABLE], { roots, env: {}, warn: () => {} });
    expect(() => ref.read('istio/1.30.3/profiles/minimal.yaml')).toThrow(/was not declared in referenceFiles\('one test'/);
  });
});

describe('sharedReferenceDir', () => {
  it('is ../shared/reference when it holds its SHA256SUMS; the cache does not stand in for it', () => {
    put(roots.cache, 'SHA256SUMS', '');
    const lines: string[] = [];
    expect(sharedReferenceDir('the sums check', { roots, env: {}, warn: (l) => lines.push(l) })).toBeUndefined();
    expect(lines).toEqual(['skipped the sums check: ../shared/reference is not beside the repository (the cache cannot stand in for it)']);
    put(roots.shared, 'SHA256SUMS', '');
    expect(sharedReferenceDir('the sums check', { roots, env: {}, warn: (l) => lines.push(l) })).toBe(roots.shared);
    expect(lines).toHaveLength(1);
  });

  it('with REQUIRE_REFERENCE=1 throws instead of skipping', () => {
    expect(() => sharedReferenceDir('the sums check', { roots, env: { REQUIRE_REFERENCE: '1' }, warn: () => {} })).toThrow(
      'REQUIRE_REFERENCE=1 but cannot run the sums check: ../shared/reference is not beside the repository',
    );
  });
});
