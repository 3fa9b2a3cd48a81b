// `login_hint=<user>` for HTTP-only drivers without a cookie jar: the IdP follows its own interaction redirects
// (authorization → /interaction → resume) internally, carrying the cookies itself, and answers with the final
// redirect to the client. A browser gets the same single redirect.
import type { ServerResponse } from 'node:http';
import { INTERNAL_HEADER } from '../harness/front-server.ts';

const MAX_HOPS = 6;

function cookieHeader(jar: Map<string, string>): string {
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}

function collectCookies(response: Response, jar: Map<string, string>): void {
  for (const line of response.headers.getSetCookie()) {
    const pair = line.split(';')[0] ?? '';
    const eq = pair.indexOf('=');
    if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
}

/** Runs the authorization request at `pathAndQuery` to its end and relays the last answer to `res`. */
export async function followLoginHint(
  baseUrl: string,
  internalToken: string,
  pathAndQuery: string,
  res: ServerResponse,
): Promise<void> {
  const jar = new Map<string, string>();
  let target = new URL(pathAndQuery, baseUrl);
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const response = await fetch(target, {
      redirect: 'manual',
      headers: { [INTERNAL_HEADER]: internalToken, cookie: cookieHeader(jar) },
    });
    collectCookies(response, jar);
    const location = response.headers.get('location');
    const next = location ? new URL(location, target) : undefined;
    if (response.status >= 300 && response.status < 400 && next && next.origin === new URL(baseUrl).origin) {
      await response.body?.cancel();
      target = next;
      continue;
    }
    const headers: Record<string, string> = { 'cache-control': 'no-store' };
    if (location) headers.location = location;
    const type = response.headers.get('content-type');
    if (type) headers['content-type'] = type;
    res.writeHead(response.status, headers);
    res.end(Buffer.from(await response.arrayBuffer()));
    return;
  }
  res.writeHead(508, { 'content-type': 'text/plain' }).end('too many internal redirects');
}
