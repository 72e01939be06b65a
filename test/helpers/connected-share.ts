import { createShare, type ShareHandle, type ShareSpec } from '../../src/load/run-share.js';
import { connectAll, shareSpec } from './run-share-fakes.js';

// Apart from run-share-fakes.ts: that file is what the test's vi.mock of paced-connection.js loads, so it must not load
// run-share.js (which loads paced-connection.js) itself.

/** A share of `shareSpec(over)` whose initial connections have all connected (FakePacedConnection must be mocked in). */
export function connectedShare(over: Partial<ShareSpec> = {}): ShareHandle {
  const share = createShare(shareSpec(over));
  connectAll();
  return share;
}
