// A loopback port for a server another process starts a moment later (a proxy under test, redis-server).
// The port comes from below the OS's ephemeral range: ports handed out for listen(0) come from that range, so no
// other server on this machine (a parallel run's mock IdP or document host, which bind port 0) can take ours between
// this check and the bind. Only another caller of freePort could, one chance in ~12,000 per overlapping pair.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const RANGE_START = 20_000;
const RANGE_END = 32_767; // Linux's default ephemeral range starts at 32768; macOS's and Windows' at 49152

/** Read once: the range is the machine's, not the call's. */
let belowEphemeralRange: boolean | undefined;

export async function freePort(): Promise<number> {
  belowEphemeralRange ??= ephemeralRangeIsAbove(RANGE_END);
  if (!belowEphemeralRange) return bindPort(0);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = RANGE_START + Math.floor(Math.random() * (RANGE_END - RANGE_START + 1));
    const bound = await bindPort(port).catch(() => undefined);
    if (bound) return bound;
  }
  return bindPort(0);
}

function ephemeralRangeIsAbove(port: number): boolean {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > port;
  } catch {
    return process.platform !== 'linux'; // other systems start theirs at 49152 unless reconfigured
  }
}

/** Binds the port on loopback and releases it, resolving with the port that was bound. */
function bindPort(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
