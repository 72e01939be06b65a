import { parentPort, workerData } from 'node:worker_threads';
import { createShare, type ShareSpec } from './run-share.js';

/**
 * Worker-thread entry: runs one share. Protocol: → 'ready' once connections are open; ← { startAtEpochMs } to
 * begin at a common instant (converted to this thread's clock); ← 'stop' to end early; → { outcome }.
 */
const port = parentPort;
if (!port) throw new Error('share-worker must run as a worker thread');
const share = createShare(workerData as ShareSpec);
void share.ready.then(() => port.postMessage('ready'));
port.on('message', (msg: unknown) => {
  if (msg === 'stop') return share.stop();
  const { startAtEpochMs } = msg as { startAtEpochMs: number };
  void share.start(startAtEpochMs - performance.timeOrigin).then((outcome) => {
    port.postMessage({ outcome });
    port.close();
  });
});
