// Shared test scaffolding for the upstream adapters: an msw server that fails on any unmocked request (no real
// network), a recorder for what reached the mocked IdP, and the proxy-side PKCE values used in every flow.
import { setupServer, type SetupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

/** Starts msw for this file; every request must hit a handler, and an unhandled one fails the test. */
export function useHermeticServer(): SetupServer {
  const server = setupServer();
  const unhandled: string[] = [];
  server.events.on('request:unhandled', ({ request }) => {
    unhandled.push(`${request.method} ${request.url}`);
  });
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    server.resetHandlers();
    const seen = unhandled.splice(0);
    expect(seen, 'requests that reached no mock').toEqual([]);
  });
  afterAll(() => server.close());
  return server;
}

export interface SeenRequest {
  method: string;
  url: URL;
  headers: Headers;
  /** Raw body text ('' when none). */
  body: string;
  /** The body parsed as form fields. */
  form: URLSearchParams;
}

/** Collects the requests the mocks received, in order. */
export function recorder(): { seen: SeenRequest[]; record: (request: Request) => Promise<SeenRequest> } {
  const seen: SeenRequest[] = [];
  return {
    seen,
    async record(request: Request): Promise<SeenRequest> {
      const body = await request.clone().text();
      const entry = {
        method: request.method,
        url: new URL(request.url),
        headers: new Headers(request.headers),
        body,
        form: new URLSearchParams(body),
      };
      seen.push(entry);
      return entry;
    },
  };
}

/** The proxy's own PKCE pair (RFC 7636 Appendix B example), transaction id and fixed callback. */
export const FLOW = {
  state: 'txn_4f1c2d9e',
  codeVerifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
  codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  redirectUri: 'https://proxy.example.com/auth/callback',
} as const;

export const CLIENT = { clientId: 'proxy-client-id', clientSecret: 'proxy-client-secret' } as const;

/** The `Authorization: Basic` value for CLIENT (plain ASCII, so form-encoding changes nothing). */
export const CLIENT_BASIC = `Basic ${Buffer.from('proxy-client-id:proxy-client-secret').toString('base64')}`;

/** Runs `fn` and returns the UpstreamError-like value it rejected with; fails if it resolved. */
export async function rejection(fn: () => Promise<unknown>): Promise<{ kind?: string; message: string }> {
  try {
    await fn();
  } catch (err) {
    return err as { kind?: string; message: string };
  }
  throw new Error('expected a rejection, but the call resolved');
}
