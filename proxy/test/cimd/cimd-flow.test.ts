// Client ID Metadata Documents end to end through the proxy app, against a real HTTPS document host on loopback
// (its own CA, reached through the dangerous test host map): lookup at /authorize, /token and /revoke, the consent
// page, caching by HTTP headers, failures as error pages and invalid_client, private_key_jwt.
import { generateKeyPair, exportJWK, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MetadataDocumentServer,
  type PublishedResponse,
} from '../../../conformance/lib/target/metadata-document-server.ts';
import type { ProxyOptions } from '../../options/proxy-options.ts';
import { newPkce } from '../../../testkit/pkce.ts';
import {
  authorizeUrl,
  BASE,
  CLIENT_REDIRECT,
  createTestProxy,
  exchangeCode,
  obtainCode,
  postForm,
  type TestProxy,
} from '../support/test-proxy.ts';

const HOST = 'cimd.test';
let docs: MetadataDocumentServer;
let counter = 0;

beforeAll(async () => {
  docs = await MetadataDocumentServer.start({ host: HOST });
});
afterAll(async () => {
  await docs.close();
});

function proxyWithDocuments(overrides: Partial<ProxyOptions> = {}): Promise<TestProxy> {
  return createTestProxy({
    dangerouslyAllowCimdHosts: [`${HOST}=127.0.0.1:${docs.port}`],
    cimdCaFile: docs.info.caFile,
    ...overrides,
  });
}

/** Publishes a document under a fresh path; `change` edits the default valid document. */
function publish(change: Record<string, unknown> = {}, response: Omit<PublishedResponse, 'json'> = {}): string {
  counter += 1;
  const path = `/clients/${counter}.json`;
  const clientId = docs.url(path);
  docs.publish(path, {
    ...response,
    json: {
      client_id: clientId,
      client_name: `Document Client ${counter}`,
      redirect_uris: [CLIENT_REDIRECT],
      token_endpoint_auth_method: 'none',
      ...change,
    },
  });
  return clientId;
}

function fetchesOf(clientId: string): number {
  const path = new URL(clientId).pathname;
  return docs.hits.filter((h) => h.path === path).length;
}

async function authorizePage(t: TestProxy, clientId: string, redirectUri = CLIENT_REDIRECT): Promise<Response> {
  return t.proxy.fetch(
    new Request(
      authorizeUrl({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: redirectUri,
        code_challenge: newPkce().challenge,
        code_challenge_method: 'S256',
        resource: `${BASE}/mcp`,
      }),
    ),
  );
}

async function expectErrorPage(response: Response, text: string | RegExp): Promise<void> {
  expect(response.status).toBe(400);
  expect(response.headers.get('location')).toBeNull();
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  const html = await response.text();
  expect(html).toMatch(text);
}

describe('a public client identified by its metadata document', () => {
  it('completes the flow: authorize, consent, code, token, refresh and revoke, fetching the document server-side', async () => {
    const t = await proxyWithDocuments();
    const clientId = publish({}, { headers: { 'cache-control': 'max-age=600' } });
    const flow = await obtainCode(t, { clientId });
    const response = await exchangeCode(t, flow);
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as { refresh_token: string };
    const refreshed = await postForm(t.proxy, '/token', {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: clientId,
    });
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as { refresh_token: string };
    const revoked = await postForm(t.proxy, '/revoke', { token: next.refresh_token, client_id: clientId });
    expect(revoked.status).toBe(200);
    const afterRevoke = await postForm(t.proxy, '/token', {
      grant_type: 'refresh_token',
      refresh_token: next.refresh_token,
      client_id: clientId,
    });
    expect(afterRevoke.status).toBe(400);
    expect(fetchesOf(clientId)).toBe(1);
    expect(await t.store.get(`client:${clientId}`)).toBeUndefined();
  });

  it('shows the document host as the verified identity, the name as self-asserted', async () => {
    const t = await proxyWithDocuments();
    const clientId = publish({
      client_name: '<b>Acme</b> Agent',
      redirect_uris: [CLIENT_REDIRECT, 'http://127.0.0.1/cb'],
    });
    const html = await (await authorizePage(t, clientId)).text();
    expect(html).toContain(`<p class="host client-id-host">${HOST}</p>`);
    expect(html).toContain('&lt;b&gt;Acme&lt;/b&gt; Agent');
    expect(html).toMatch(/is what the document says about itself; this server has not verified it/);
    expect(html).toContain('<p class="host">client.test</p>');
    expect(html).not.toContain('class="warning"');
  });

  it('warns when every redirect URI of the document is on this computer', async () => {
    const t = await proxyWithDocuments();
    const clientId = publish({ redirect_uris: ['http://127.0.0.1/callback', 'http://localhost/callback'] });
    const html = await (await authorizePage(t, clientId, 'http://127.0.0.1:43123/callback')).text();
    expect(html).toMatch(/class="warning"[^>]*>\s*Every address this application can send you back to is on your own/);
    expect(html).toContain('127.0.0.1:43123');
  });
});

describe('documents the proxy refuses', () => {
  it.each([
    ['a client_id that differs from the URL', (id: string) => ({ client_id: `${id}x` }), /does not match its URL/],
    ['no client_name', () => ({ client_name: undefined }), /must contain client_name/],
    ['no redirect_uris', () => ({ redirect_uris: undefined }), /must contain redirect_uris/],
    ['a shared-secret method', () => ({ token_endpoint_auth_method: 'client_secret_basic' }), /shared secret/],
  ])('renders an error page, never a redirect, for %s; /token says invalid_client', async (_what, change, why) => {
    const t = await proxyWithDocuments();
    counter += 1;
    const path = `/clients/${counter}.json`;
    const clientId = docs.url(path);
    docs.publish(path, {
      json: { client_id: clientId, client_name: 'X', redirect_uris: [CLIENT_REDIRECT], ...change(clientId) },
    });
    await expectErrorPage(await authorizePage(t, clientId), why);
    const token = await postForm(t.proxy, '/token', {
      grant_type: 'refresh_token',
      refresh_token: 'whatever',
      client_id: clientId,
    });
    expect(token.status).toBe(401);
    expect(await token.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses a redirect_uri the document does not list', async () => {
    const t = await proxyWithDocuments();
    const clientId = publish();
    await expectErrorPage(await authorizePage(t, clientId, 'https://client.test/other'), /has not registered/);
  });

  it.each([
    ['a redirect', { status: 302, headers: { location: 'https://cimd.test/clients/1.json' } }, /HTTP 302/],
    ['a 404', { status: 404 }, /HTTP 404/],
    ['HTML', { headers: { 'content-type': 'text/html' } }, /application\/json/],
  ])('refuses a document answered with %s', async (_what, response, why) => {
    const t = await proxyWithDocuments();
    const clientId = publish({}, response);
    await expectErrorPage(await authorizePage(t, clientId), why);
  });

  it('refuses an oversize and a slow document with an error page, never a 5xx', async () => {
    // The size limit under the default time limit (a short one could expire first on a busy machine), the time
    // limit with a document that never arrives.
    const patient = await proxyWithDocuments();
    const big = publish({ software_id: 'x'.repeat(6000) });
    await expectErrorPage(await authorizePage(patient, big), /larger than 5120 bytes/);
    const t = await proxyWithDocuments({ cimdFetchTimeoutMs: 300 });
    counter += 1;
    docs.publish(`/clients/${counter}.json`, { hang: true });
    await expectErrorPage(await authorizePage(t, docs.url(`/clients/${counter}.json`)), /did not answer in time/);
  });

  it('never fetches from loopback under another name, however spelled', async () => {
    const t = await proxyWithDocuments({ hostResolver: async () => [{ address: '127.0.0.1', family: 4 }] });
    const probe = await docs.openProbe();
    for (const id of [
      `https://127.0.0.1:${probe}/c.json`,
      `https://localhost:${probe}/c.json`,
      `https://[::1]:${probe}/c.json`,
      `https://2130706433:${probe}/c.json`,
      `https://0x7f000001:${probe}/c.json`,
      `https://127.1:${probe}/c.json`,
      `https://[::ffff:127.0.0.1]:${probe}/c.json`,
    ]) {
      await expectErrorPage(await authorizePage(t, id), /address this server does not fetch from|canonical form/);
    }
    expect(docs.probeConnections(probe)).toBe(0);
  });

  it('refuses URL client_ids outright when metadata documents are turned off, without fetching', async () => {
    const t = await proxyWithDocuments({ clientIdMetadataDocuments: false });
    const clientId = publish();
    await expectErrorPage(await authorizePage(t, clientId), /does not accept client ID metadata documents/);
    expect(fetchesOf(clientId)).toBe(0);
  });
});

describe('caching documents by their HTTP headers', () => {
  function clock(start = Date.parse('2026-07-28T12:00:00Z')) {
    let now = start;
    return { now: () => now, advance: (seconds: number) => (now += seconds * 1000) };
  }

  it('reuses a document for max-age seconds, then fetches it again', async () => {
    const time = clock();
    const t = await proxyWithDocuments({ clock: time });
    const clientId = publish({}, { headers: { 'cache-control': 'max-age=600' } });
    await authorizePage(t, clientId);
    await authorizePage(t, clientId);
    expect(fetchesOf(clientId)).toBe(1);
    time.advance(601);
    expect((await authorizePage(t, clientId)).status).toBe(200);
    expect(fetchesOf(clientId)).toBe(2);
  });

  it('fetches a no-store document every time, and bounds max-age by the configured minimum and maximum', async () => {
    const time = clock();
    const t = await proxyWithDocuments({ clock: time, cimdCacheMinSeconds: 60, cimdCacheMaxSeconds: 120 });
    const noStore = publish({}, { headers: { 'cache-control': 'no-store' } });
    const short = publish({}, { headers: { 'cache-control': 'max-age=1' } });
    const long = publish({}, { headers: { 'cache-control': 'max-age=86400' } });
    for (const id of [noStore, short, long]) {
      await authorizePage(t, id);
      await authorizePage(t, id);
    }
    expect([fetchesOf(noStore), fetchesOf(short), fetchesOf(long)]).toEqual([2, 1, 1]);
    time.advance(61);
    for (const id of [short, long]) await authorizePage(t, id);
    expect([fetchesOf(short), fetchesOf(long)]).toEqual([2, 1]);
    time.advance(60);
    await authorizePage(t, long);
    expect(fetchesOf(long)).toBe(2);
  });

  it('never caches a failure: a fixed document works at the next attempt', async () => {
    const t = await proxyWithDocuments();
    counter += 1;
    const path = `/clients/${counter}.json`;
    const clientId = docs.url(path);
    docs.publish(path, { status: 503, headers: { 'cache-control': 'max-age=600' } });
    await expectErrorPage(await authorizePage(t, clientId), /HTTP 503/);
    docs.publish(path, { json: { client_id: clientId, client_name: 'Fixed', redirect_uris: [CLIENT_REDIRECT] } });
    expect((await authorizePage(t, clientId)).status).toBe(200);
  });
});

describe('private_key_jwt for a metadata-document client', () => {
  async function keyPair(kid: string): Promise<{ privateKey: CryptoKey; jwk: Record<string, unknown> }> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
  }

  async function assertion(
    key: CryptoKey,
    clientId: string,
    claims: { aud?: string; exp?: number; iat?: number; jti?: string; iss?: string } = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ jti: claims.jti ?? crypto.randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(claims.iss ?? clientId)
      .setSubject(clientId)
      .setAudience(claims.aud ?? `${BASE}/token`)
      .setIssuedAt(claims.iat ?? now)
      .setExpirationTime(claims.exp ?? now + 60)
      .sign(key);
  }

  async function tokenWith(t: TestProxy, clientId: string, clientAssertion: string | undefined, extra = {}) {
    const flow = await obtainCode(t, { clientId });
    return exchangeCode(t, flow, {
      client_assertion_type:
        clientAssertion === undefined ? undefined : 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: clientAssertion,
      ...extra,
    });
  }

  async function expectInvalidClient(response: Response, why: RegExp): Promise<void> {
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: string; error_description: string };
    expect(body.error).toBe('invalid_client');
    expect(body.error_description).toMatch(why);
  }

  it('accepts an assertion signed by a key of the document (inline jwks), audience token endpoint or issuer', async () => {
    const t = await proxyWithDocuments();
    const { privateKey, jwk } = await keyPair('k1');
    const clientId = publish({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } });
    expect((await tokenWith(t, clientId, await assertion(privateKey, clientId))).status).toBe(200);
    expect((await tokenWith(t, clientId, await assertion(privateKey, clientId, { aud: BASE }))).status).toBe(200);
  });

  it('fetches the keys from jwks_uri with the same fetcher', async () => {
    const t = await proxyWithDocuments();
    const { privateKey, jwk } = await keyPair('k1');
    docs.publish('/keys/client.jwks', { json: { keys: [jwk] } });
    const clientId = publish({
      token_endpoint_auth_method: 'private_key_jwt',
      jwks_uri: docs.url('/keys/client.jwks'),
    });
    expect((await tokenWith(t, clientId, await assertion(privateKey, clientId))).status).toBe(200);
  });

  it('refuses a wrong key, an expired or long-lived assertion, a foreign audience, a missing assertion', async () => {
    const t = await proxyWithDocuments();
    const { privateKey, jwk } = await keyPair('k1');
    const other = await keyPair('k1');
    const clientId = publish({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } });
    const now = Math.floor(Date.now() / 1000);
    await expectInvalidClient(await tokenWith(t, clientId, await assertion(other.privateKey, clientId)), /signature/);
    await expectInvalidClient(
      await tokenWith(t, clientId, await assertion(privateKey, clientId, { iat: now - 400, exp: now - 100 })),
      /expired/,
    );
    await expectInvalidClient(
      await tokenWith(t, clientId, await assertion(privateKey, clientId, { exp: now + 3600 })),
      /longer than 300 seconds/,
    );
    await expectInvalidClient(
      await tokenWith(t, clientId, await assertion(privateKey, clientId, { aud: 'https://other.test/token' })),
      /aud/,
    );
    await expectInvalidClient(
      await tokenWith(t, clientId, await assertion(privateKey, clientId, { iss: 'https://someone.else/c.json' })),
      /iss/,
    );
    await expectInvalidClient(await tokenWith(t, clientId, undefined), /send client_assertion/);
  });

  it('accepts each jti once (single-use, concurrent attempts included)', async () => {
    const t = await proxyWithDocuments();
    const { privateKey, jwk } = await keyPair('k1');
    const clientId = publish({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } });
    const once = await assertion(privateKey, clientId, { jti: 'only-once' });
    const flows = await Promise.all([obtainCode(t, { clientId }), obtainCode(t, { clientId })]);
    const answers = await Promise.all(
      flows.map((flow) =>
        exchangeCode(t, flow, {
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: once,
        }),
      ),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('refuses an assertion from a public document client, and a secret alongside an assertion', async () => {
    const t = await proxyWithDocuments();
    const { privateKey } = await keyPair('k1');
    const clientId = publish();
    await expectInvalidClient(await tokenWith(t, clientId, await assertion(privateKey, clientId)), /not an assertion/);
    const response = await tokenWith(t, clientId, await assertion(privateKey, clientId), { client_secret: 'x' });
    expect(response.status).toBe(400);
  });
});
