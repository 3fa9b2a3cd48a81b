// Instrumented mode: starts the mock upstream IdP in the CLI process and a loopback control server through which
// the Playwright workers read its request log and issued tokens (they run in other processes).
import { createServer, type Server } from 'node:http';
import type { MockIdp, MockIdpFlavor } from '@mcp-oauth-kit/mock-idp';
import type { HarnessInfo } from './settings.ts';

export interface RunningHarness {
  idp: MockIdp;
  info: HarnessInfo;
  close(): Promise<void>;
}

export async function startHarness(flavor: MockIdpFlavor, port = 0): Promise<RunningHarness> {
  const { startMockIdp } = await import('@mcp-oauth-kit/mock-idp');
  const idp = await startMockIdp({ flavor, port });
  let control: Server | undefined;
  try {
    control = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      const body =
        path === '/requests'
          ? idp.requests()
          : path === '/issued-tokens'
            ? idp.issuedTokens().map((t) => t.value)
            : undefined;
      if (body === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => control?.listen(0, '127.0.0.1', resolve));
  } catch (err) {
    await idp.close();
    throw err;
  }
  const address = control.address();
  const controlPort = address && typeof address === 'object' ? address.port : 0;
  const server = control;
  return {
    idp,
    info: {
      controlUrl: `http://127.0.0.1:${controlPort}`,
      idpUrl: idp.url,
      upstreamClientId: idp.client.clientId,
      upstreamClientSecret: idp.client.clientSecret,
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await idp.close();
    },
  };
}
