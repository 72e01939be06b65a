import { describe, expect, it } from 'vitest';
import { MeshHeaderCounter } from '../src/workload/mesh-headers.js';

describe('mesh header counter over raw header lists', () => {
  it('matches header names in any case and keeps the last value of each', () => {
    const counter = new MeshHeaderCounter();
    counter.record(['Host', 'x', 'X-Forwarded-Client-Cert', 'By=a', 'L5D-CLIENT-ID', 'one']);
    counter.record(['x-forwarded-client-cert', 'By=b']);
    expect(counter.snapshot()).toEqual({
      requests: 2,
      headers: { 'x-forwarded-client-cert': { count: 2, last: 'By=b' }, 'l5d-client-id': { count: 1, last: 'one' } },
    });
  });

  it('counts a header name with no value after it, recording an empty value', () => {
    const counter = new MeshHeaderCounter();
    counter.record(['l5d-client-id']);
    expect(counter.snapshot().headers['l5d-client-id']).toEqual({ count: 1, last: '' });
  });
});
