// Before a hundred checks are spent on a target that is not there, one look at it: can a connection be made, and
// does anything there speak OAuth for MCP (authorization server or protected resource metadata, or a Bearer
// challenge at the MCP endpoint)? If not, the run stops with one diagnosis a person can act on, instead of every
// check reporting the same cause in its own words.
import { connect } from 'node:net';
import { targetBase, type SuiteSettings } from './settings.ts';

export type Preflight = { ok: true; server?: string } | { ok: false; diagnosis: string };

/**
 * Ports the Fetch standard forbids ("bad port"): Node's fetch and every browser refuse them outright, with an error
 * that does not say so.
 * @see https://fetch.spec.whatwg.org/#port-blocking
 */
const BAD_PORTS = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110,
  111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532,
  540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061,
  6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

export async function preflight(settings: SuiteSettings): Promise<Preflight> {
  const urls = [settings.target, settings.mcp].map((u) => new URL(u));
  for (const url of urls) {
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    if (BAD_PORTS.has(port)) {
      return {
        ok: false,
        diagnosis: `port ${port} of ${url.origin} is a port the Fetch standard blocks (browsers and Node's fetch refuse to connect to it): run the proxy on another port`,
      };
    }
  }
  const target = urls[0]!;
  const reachable = await tcpReachable(target, settings.requestTimeoutMs);
  if (reachable !== true) return { ok: false, diagnosis: reachable };

  const probes = metadataUrls(settings).map((url) => probe(url, 'GET', settings.requestTimeoutMs));
  const mcp = probe(settings.mcp, 'POST', settings.requestTimeoutMs);
  const [answers, mcpAnswer] = await Promise.all([Promise.all(probes), mcp]);
  const server = [...answers, mcpAnswer].find((a) => a.server)?.server;
  const speaksOAuth =
    answers.some((a) => a.status === 200 && a.json) || (mcpAnswer.status === 401 && mcpAnswer.bearer === true);
  if (speaksOAuth) return { ok: true, ...(server ? { server } : {}) };
  const seen = answers.map((a) => `${a.url} (${a.describe})`).join(', ');
  return {
    ok: false,
    diagnosis:
      `no OAuth metadata at ${seen}; the MCP endpoint ${settings.mcp} answered ${mcpAnswer.describe}` +
      `${mcpAnswer.status === 401 ? ' without a Bearer challenge' : ''}: is --target${settings.mcp.startsWith(settings.target) ? '' : ' (or --mcp)'} right?`,
  };
}

/** The places an MCP client looks: RFC 8414 / OIDC discovery for the issuer, RFC 9728 for the MCP resource. */
function metadataUrls(settings: SuiteSettings): string[] {
  // Without --issuer, the issuer a client would try first: the target's base (the checks then read the real one
  // from the resource metadata).
  const issuer = new URL(settings.issuer ?? targetBase(settings.target));
  const issuerPath = issuer.pathname === '/' ? '' : issuer.pathname.replace(/\/$/, '');
  const mcp = new URL(settings.mcp);
  return [
    `${issuer.origin}/.well-known/oauth-authorization-server${issuerPath}`,
    `${issuer.origin}/.well-known/openid-configuration${issuerPath}`,
    `${mcp.origin}/.well-known/oauth-protected-resource${mcp.pathname === '/' ? '' : mcp.pathname}`,
  ];
}

/** true, or why no TCP (or TLS) connection could be made. */
function tcpReachable(url: URL, timeoutMs: number): Promise<true | string> {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (result: true | string) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(`${url.host} does not answer: no TCP connection within ${timeoutMs} ms`));
    socket.once('connect', () => done(true));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') done(`nothing listens at ${url.host} (connection refused)`);
      else if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') done(`${url.hostname} does not resolve`);
      else done(`cannot connect to ${url.host}: ${error.code ?? error.message}`);
    });
  });
}

interface Answer {
  url: string;
  status?: number;
  json?: boolean;
  bearer?: boolean;
  server?: string;
  describe: string;
}

async function probe(url: string, method: 'GET' | 'POST', timeoutMs: number): Promise<Answer> {
  try {
    const response = await fetch(url, {
      method,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'application/json, text/event-stream' },
      ...(method === 'POST'
        ? {
            body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'ping' }),
            headers: { accept: 'application/json, text/event-stream', 'content-type': 'application/json' },
          }
        : {}),
    });
    const type = response.headers.get('content-type') ?? '';
    let json = false;
    if (type.includes('json')) {
      json = await response.json().then(
        (body: unknown) => typeof body === 'object' && body !== null && !Array.isArray(body),
        () => false,
      );
    } else {
      await response.body?.cancel();
    }
    const challenge = response.headers.get('www-authenticate') ?? '';
    const server = response.headers.get('server') ?? response.headers.get('x-powered-by') ?? undefined;
    return {
      url,
      status: response.status,
      json,
      bearer: /^\s*bearer\b/i.test(challenge),
      ...(server ? { server } : {}),
      describe: `${response.status}${type ? ` ${type.split(';')[0]}` : ''}`,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { url, describe: `no answer: ${cause?.code ?? cause?.message ?? (error as Error).message}` };
  }
}
