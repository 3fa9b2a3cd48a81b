// startMockIdp: one node:http server on loopback with the harness layer in front of the chosen flavor.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixtureUsers, publicUser, upstreamClient } from './fixtures.ts';
import { FaultTable } from './harness/faults.ts';
import { createFrontListener, type NodeHandler } from './harness/front-server.ts';
import { RedirectPolicy } from './harness/redirect-policy.ts';
import { RequestLog } from './harness/request-log.ts';
import { TokenLedger } from './harness/token-ledger.ts';
import { createGithubFlavor, GITHUB_AUTHORIZATION_PATH } from './github/start-github.ts';
import { createOidcFlavor, newInternalToken, OIDC_AUTHORIZATION_PATH } from './oidc/start-oidc.ts';
import type { MockIdp, MockIdpEndpoints, StartMockIdpOptions } from './types.ts';

const DEFAULT_OIDC_TTL = 3600;
const DEFAULT_GITHUB_EXPIRING_TTL = 28800;

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** The URL clients use: a wildcard bind address is reached through loopback. */
function baseUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const literal = reachable.includes(':') ? `[${reachable}]` : reachable;
  return `http://${literal}:${port}`;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}

export async function startMockIdp(options: StartMockIdpOptions): Promise<MockIdp> {
  const host = options.host ?? '127.0.0.1';
  const log = new RequestLog();
  const faults = new FaultTable();
  const ledger = new TokenLedger();
  const policy = new RedirectPolicy(options.redirectUris ?? [], options.strictRedirects ?? false);
  const internalToken = newInternalToken();

  let handler: NodeHandler = (_req, res) => void res.writeHead(503).end();
  let authorizationPath = options.flavor === 'oidc' ? OIDC_AUTHORIZATION_PATH : GITHUB_AUTHORIZATION_PATH;
  let denyLocation: (query: URLSearchParams) => string | undefined = () => undefined;
  const server = createServer(
    createFrontListener({
      log,
      faults,
      ledger,
      internalToken,
      handler: (req, res) => handler(req, res),
      get authorizationPath() {
        return authorizationPath;
      },
      denyLocation: (query) => denyLocation(query),
    }),
  );
  const address = await listen(server, options.port ?? 0, host);
  const url = baseUrl(host, address.port);

  const client = {
    clientId: upstreamClient.client_id,
    clientSecret: upstreamClient.client_secret,
    scopes: upstreamClient.scopes[options.flavor],
  };
  const proxyEnv: Record<string, string> = {
    UPSTREAM_PROVIDER: options.flavor,
    UPSTREAM_CLIENT_ID: client.clientId,
    UPSTREAM_CLIENT_SECRET: client.clientSecret,
    UPSTREAM_SCOPES: client.scopes,
  };
  let endpoints: MockIdpEndpoints;
  let issuer: string | undefined;
  try {
    if (options.flavor === 'oidc') {
      const flavor = await createOidcFlavor({
        issuer: url,
        policy,
        ledger,
        internalToken,
        accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? DEFAULT_OIDC_TTL,
      });
      ({ handler, endpoints, denyLocation } = flavor);
      issuer = url;
      proxyEnv.UPSTREAM_ISSUER = url;
    } else if (options.flavor === 'github') {
      const flavor = createGithubFlavor({
        baseUrl: url,
        policy,
        ledger,
        expiringTokens: options.expiringTokens ?? false,
        accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? DEFAULT_GITHUB_EXPIRING_TTL,
      });
      ({ handler, endpoints, denyLocation, authorizationPath } = flavor);
      proxyEnv.UPSTREAM_AUTHORIZATION_ENDPOINT = endpoints.authorization;
      proxyEnv.UPSTREAM_TOKEN_ENDPOINT = endpoints.token;
      proxyEnv.UPSTREAM_USERINFO_ENDPOINT = endpoints.userinfo;
    } else {
      throw new TypeError(`unknown mock IdP flavor: ${String(options.flavor)}`);
    }
  } catch (err) {
    await close(server);
    throw err;
  }

  return {
    flavor: options.flavor,
    url,
    ...(issuer ? { issuer } : {}),
    endpoints,
    client,
    users: fixtureUsers.map(publicUser),
    proxyEnv,
    requests: () => log.list(),
    clearRequests: () => log.clear(),
    addFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    issuedTokens: () => ledger.list(),
    close: () => close(server),
  };
}
