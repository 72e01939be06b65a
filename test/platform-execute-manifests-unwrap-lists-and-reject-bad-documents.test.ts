import { describe, expect, it } from 'vitest';
import { digestOf, manifestObjects } from '../src/platform/execute-operations.js';

/** How a printed or downloaded manifest becomes the objects we apply, and how its pinned digest is computed. */

describe('manifest documents', () => {
  it('applies the items of a kubectl List, not the List itself', () => {
    const list = [
      'apiVersion: v1',
      'kind: List',
      'metadata:',
      '  name: wrapped',
      'items:',
      '  - { apiVersion: v1, kind: ServiceAccount, metadata: { name: a, namespace: x } }',
      '  - { apiVersion: v1, kind: ConfigMap, metadata: { name: b, namespace: x } }',
    ].join('\n');
    expect(manifestObjects(list).map((o) => `${o.kind} ${o.metadata.name}`)).toEqual(['ServiceAccount a', 'ConfigMap b']);
  });

  it('applies an object that is not a List whole, even when it has a top-level items field', () => {
    // A custom resource may carry its own `items` (its schema's business): only kind List is kubectl's wrapper.
    const doc = 'apiVersion: example.test/v1\nkind: Playlist\nmetadata:\n  name: p\nitems:\n  - { apiVersion: v1, kind: ConfigMap, metadata: { name: inner } }\n';
    expect(manifestObjects(doc).map((o) => `${o.kind} ${o.metadata.name}`)).toEqual(['Playlist p']);
  });

  it('rejects a document that is not valid YAML, quoting the parser', () => {
    expect(() => manifestObjects('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a\n')).toThrow(/^manifest is not valid YAML: \S.+/);
  });

  it('rejects a document without an apiVersion', () => {
    expect(() => manifestObjects('kind: ConfigMap\nmetadata:\n  name: a\n')).toThrow(/^manifest document without apiVersion, kind or metadata.name$/);
  });

  it('rejects a document without metadata', () => {
    expect(() => manifestObjects('apiVersion: v1\nkind: ConfigMap\ndata: {}\n')).toThrow(/^manifest document without apiVersion, kind or metadata.name$/);
  });
});

describe('pinned digests', () => {
  it('computes a sha256 pin the way sha256sum does', () => {
    // `printf 'hello\n' | sha256sum`
    expect(digestOf('sha256', 'hello\n')).toBe('5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03');
  });
});
