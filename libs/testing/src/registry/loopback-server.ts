import type { Server } from 'node:http';
import type { Server as NetServer } from 'node:net';

/** Listens on 127.0.0.1 with an OS-chosen port (no race, unlike probing for a free port). */
export function listenOnLoopback(server: NetServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

/** Closes the server, dropping idle keep-alive connections so close() does not hang. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
