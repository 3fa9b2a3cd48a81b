// upstreamFetch: the one door to every upstream, with its timeout, size cap and body parsing.
import { delay, http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { upstreamFetch } from '../../upstream/http.ts';
import { rejection, useHermeticServer } from './support.ts';

const server = useHermeticServer();
const URL_ = 'https://idp.example.com/token';

describe('upstreamFetch body parsing', () => {
  it('parses a JSON object answer', async () => {
    server.use(http.post(URL_, () => HttpResponse.json({ access_token: 'a', expires_in: 60 })));
    const res = await upstreamFetch(URL_, { method: 'POST' });
    expect(res).toMatchObject({ status: 200, body: { access_token: 'a', expires_in: 60 } });
  });

  it('parses a form-encoded answer, as GitHub sends by default', async () => {
    server.use(
      http.post(URL_, () =>
        HttpResponse.text('access_token=gho_x&scope=repo%2Cgist&token_type=bearer', {
          headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        }),
      ),
    );
    const res = await upstreamFetch(URL_, { method: 'POST' });
    expect(res.body).toEqual({ access_token: 'gho_x', scope: 'repo,gist', token_type: 'bearer' });
  });

  it('reads an empty body as an empty object (204 from a revocation)', async () => {
    server.use(http.delete(URL_, () => new HttpResponse(null, { status: 204 })));
    const res = await upstreamFetch(URL_, { method: 'DELETE' });
    expect(res).toMatchObject({ status: 204, body: {} });
  });

  it('keeps a JSON array in `json` and gives an empty `body`', async () => {
    server.use(http.get(URL_, () => HttpResponse.json([{ email: 'a@example.com' }])));
    const res = await upstreamFetch(URL_, { method: 'GET' });
    expect(res.json).toEqual([{ email: 'a@example.com' }]);
    expect(res.body).toEqual({});
  });

  it('returns 4xx answers with their parsed body so callers can read the OAuth error', async () => {
    server.use(http.post(URL_, () => HttpResponse.json({ error: 'invalid_grant' }, { status: 400 })));
    const res = await upstreamFetch(URL_, { method: 'POST' });
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });
});

describe('upstreamFetch faults', () => {
  it('maps a 500 to unavailable', async () => {
    server.use(http.post(URL_, () => HttpResponse.json({ error: 'server_error' }, { status: 500 })));
    const err = await rejection(() => upstreamFetch(URL_, { method: 'POST' }));
    expect(err.kind).toBe('unavailable');
    expect(err.message).toContain('HTTP 500');
  });

  it('maps a 503 with an HTML page to unavailable, not bad_response', async () => {
    server.use(http.post(URL_, () => HttpResponse.html('<h1>Service Unavailable</h1>', { status: 503 })));
    expect((await rejection(() => upstreamFetch(URL_, { method: 'POST' }))).kind).toBe('unavailable');
  });

  it('maps a timeout to unavailable after timeoutMs', async () => {
    server.use(
      http.post(URL_, async () => {
        await delay(2000);
        return HttpResponse.json({ access_token: 'late' });
      }),
    );
    const started = Date.now();
    const err = await rejection(() => upstreamFetch(URL_, { method: 'POST' }, { timeoutMs: 200 }));
    expect(err.kind).toBe('unavailable');
    expect(err.message).toContain('timed out after 200 ms');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('maps a network error to unavailable', async () => {
    server.use(http.post(URL_, () => HttpResponse.error()));
    const err = await rejection(() => upstreamFetch(URL_, { method: 'POST' }));
    expect(err.kind).toBe('unavailable');
    expect(err.message).toContain('could not be reached');
  });

  it('maps an HTML page with status 200 to bad_response', async () => {
    server.use(http.post(URL_, () => HttpResponse.html('<html>Sign in</html>')));
    const err = await rejection(() => upstreamFetch(URL_, { method: 'POST' }));
    expect(err.kind).toBe('bad_response');
  });

  it('maps a JSON scalar to bad_response', async () => {
    server.use(http.post(URL_, () => HttpResponse.json('just a string')));
    expect((await rejection(() => upstreamFetch(URL_, { method: 'POST' }))).kind).toBe('bad_response');
  });

  it('refuses a body over the size cap with bad_response', async () => {
    server.use(http.post(URL_, () => HttpResponse.text('x'.repeat(2048))));
    const err = await rejection(() => upstreamFetch(URL_, { method: 'POST' }, { maxResponseBytes: 1024 }));
    expect(err.kind).toBe('bad_response');
    expect(err.message).toContain('more than 1024 bytes');
  });

  it('never quotes the body of a garbage answer, which may hold a token', async () => {
    server.use(http.post(URL_, () => HttpResponse.text('access_token=gho_secretvalue', { status: 200 })));
    const err = await rejection(() => upstreamFetch(URL_, { method: 'POST' }));
    expect(err.kind).toBe('bad_response');
    expect(JSON.stringify({ m: err.message, c: (err as Error).cause })).not.toContain('gho_secretvalue');
  });

  it('leaves the query string out of error messages (Google revocation puts the token there)', async () => {
    server.use(http.post('https://idp.example.com/revoke', () => new HttpResponse(null, { status: 502 })));
    const err = await rejection(() =>
      upstreamFetch('https://idp.example.com/revoke?token=ya29.secret', { method: 'POST' }),
    );
    expect(err.message).toBe('upstream POST https://idp.example.com/revoke answered HTTP 502');
  });
});

describe('upstreamFetch fetch injection', () => {
  it('uses the injected fetch instead of the global one', async () => {
    const calls: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      calls.push(String(input));
      return Response.json({ ok: true });
    };
    const res = await upstreamFetch('https://injected.example/x', { method: 'GET' }, { fetch: fakeFetch });
    expect(res.body).toEqual({ ok: true });
    expect(calls).toEqual(['https://injected.example/x']);
  });
});
