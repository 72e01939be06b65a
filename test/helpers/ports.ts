import { createServer } from 'node:net';

/**
 * A loopback port nothing listens on, for connection-refused cases: one the OS just handed us as ephemeral, then
 * released (it hands out ephemeral ports in turn, so it stays free for the moment a test needs it). Port 1 or any
 * other fixed number is a guess about the machine.
 */
export async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}
