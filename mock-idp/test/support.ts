// Test helpers: PKCE pairs, a callback catcher standing in for a proxy's redirect endpoint, and form posts.
import { createHash, randomBytes } from 'node:crypto';
import { listenOnLoopback } from '../../testkit/loopback-server.ts';

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function basicAuth(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

export function postForm(url: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields),
  });
}

/** GET without following redirects; returns the status and the parsed Location. */
export async function getRedirect(url: string): Promise<{ status: number; location: URL | undefined }> {
  const response = await fetch(url, { redirect: 'manual' });
  await response.body?.cancel();
  const location = response.headers.get('location');
  return { status: response.status, location: location ? new URL(location, url) : undefined };
}

/** A loopback HTTP server that records the query of every callback it receives and answers a small page. */
export interface CallbackCatcher {
  url: string;
  received: URLSearchParams[];
  close(): Promise<void>;
}

export async function startCallbackCatcher(): Promise<CallbackCatcher> {
  const received: URLSearchParams[] = [];
  const server = await listenOnLoopback((req, res) => {
    const url = new URL(req.url ?? '/', 'http://catcher.invalid');
    if (url.pathname !== '/callback') {
      res.writeHead(404).end();
      return;
    }
    const query = url.searchParams;
    received.push(query);
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(
      `<!doctype html><title>Callback</title><h1>Callback received</h1><p>${query.has('code') ? 'code' : 'error'}</p>`,
    );
  });
  return { url: `${server.url}/callback`, received, close: server.close };
}
