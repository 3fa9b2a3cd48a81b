// A tiny browser stand-in for e2e tests: follows redirects by hand with a cookie jar, and records every response so
// tests can assert what a client could ever have seen.
export interface Seen {
  url: string;
  status: number;
  headers: string;
  body: string;
}

export class TestBrowser {
  readonly seen: Seen[] = [];
  readonly #cookies = new Map<string, Map<string, string>>();

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const jar = this.#cookies.get(target.host);
    if (jar && jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const eq = pair.indexOf('=');
      if (eq < 0) continue;
      const hostJar = this.#cookies.get(target.host) ?? new Map<string, string>();
      hostJar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
      this.#cookies.set(target.host, hostJar);
    }
    const body = await response.clone().text();
    this.seen.push({ url, status: response.status, headers: JSON.stringify([...response.headers]), body });
    return response;
  }

  /** Follows redirects (GET) until `stop(location)` is true; returns that location. */
  async followUntil(start: string, stop: (location: URL) => boolean, maxHops = 15): Promise<URL> {
    let url = start;
    for (let hop = 0; hop < maxHops; hop += 1) {
      const response = await this.fetch(url);
      const location = response.headers.get('location');
      if (!location) throw new Error(`${url} answered ${response.status} without a redirect: ${await response.text()}`);
      const next = new URL(location, url);
      if (stop(next)) return next;
      url = next.href;
    }
    throw new Error(`too many redirects from ${start}`);
  }
}
