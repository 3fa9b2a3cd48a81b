// Standalone proxy servers on a fixed loopback port, so that a test can stop one and start another on the same
// storage, signing key and issuer (a restart), and an MCP request that proves an access token is accepted.
import { pino } from 'pino';
import type { MockIdp } from '../../../mock-idp/index.ts';
import { loadServerConfig } from '../../server/config.ts';
import { startProxyServer, type RunningProxy } from '../../server/start.ts';
import { TEST_SIGNING_KEY } from '../../../testkit/stack.ts';

export { freePort } from '../../../testkit/free-port.ts';

/** The standalone server on `port` in front of `idp`, with PROXY_STORAGE = `storage` and the shared signing key. */
export function startProxyOn(idp: MockIdp, port: number, storage: string): Promise<RunningProxy> {
  const base = `http://127.0.0.1:${port}`;
  const config = loadServerConfig(
    { port: String(port) },
    { ...idp.proxyEnv, PROXY_SIGNING_KEY: TEST_SIGNING_KEY, PROXY_BASE_URL: base, PROXY_STORAGE: storage },
  );
  return startProxyServer(config, { logger: pino({ level: 'silent' }) });
}

/** An MCP `initialize` with the access token; 200 means the bearer check accepted it. */
export async function mcpInitialize(base: string, accessToken: string): Promise<Response> {
  return fetch(`${base}/mcp`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${accessToken}`,
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'restart-test', version: '1' } },
    }),
  });
}
