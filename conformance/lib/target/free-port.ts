// A loopback port the OS just handed out, for a target the suite's own runs start (the demo, the mutant runs): the
// target command binds it a moment later, a race acceptable there. Conformance's own copy of the repository's helper
// in scripts/, because the published suite imports nothing from outside conformance/.
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
