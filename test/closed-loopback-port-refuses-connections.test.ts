import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { closedLoopbackPort } from './helpers/ports.js';

describe('closedLoopbackPort', () => {
  it('gives an ephemeral loopback port on which a connection is refused', async () => {
    const port = await closedLoopbackPort();
    expect(port).toBeGreaterThan(1023);
    const error = await new Promise<NodeJS.ErrnoException>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        reject(new Error(`something listens on ${port}`));
      });
      socket.once('error', resolve);
    });
    expect(error.code).toBe('ECONNREFUSED');
  });
});
