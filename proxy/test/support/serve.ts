// Serves a proxy on a loopback port the OS picks. The base URL must be known before the proxy is built (it is the
// issuer), so the server starts first and forwards to the proxy once it exists.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { OAuthProxy } from '../../app.ts';

export interface ServedProxy {
  base: string;
  proxy: OAuthProxy;
  close(): Promise<void>;
}

export async function serveProxy(build: (baseUrl: string) => Promise<OAuthProxy>): Promise<ServedProxy> {
  const holder: { proxy?: OAuthProxy } = {};
  const server = serve({
    fetch: (request: Request) => (holder.proxy ? holder.proxy.fetch(request) : new Response(null, { status: 503 })),
    port: 0,
    hostname: '127.0.0.1',
  });
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const proxy = await build(base);
  holder.proxy = proxy;
  return {
    base,
    proxy,
    close: async () => {
      await proxy.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
