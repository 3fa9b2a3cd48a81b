// The SSRF-safe fetcher against a real HTTPS server on loopback (reached only through the test host map, with the
// per-run CA), and its address vetting with a stubbed resolver (nothing here connects to anything but 127.0.0.1).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MetadataDocumentServer } from '../../../conformance/lib/target/metadata-document-server.ts';
import {
  DocumentFetchError,
  fetchJsonDocument,
  freshnessSeconds,
  vettedDestination,
  type FetchPolicy,
} from '../../clients/metadata-document-fetch.ts';
import type { HostResolver } from '../../options/proxy-options.ts';

let docs: MetadataDocumentServer;

beforeAll(async () => {
  docs = await MetadataDocumentServer.start({ host: 'docs.test' });
});
afterAll(async () => {
  await docs.close();
});

/** A resolver that must not be called (IP literals and mapped hosts never resolve). */
const noDns: HostResolver = async (name) => {
  throw new Error(`unexpected lookup of ${name}`);
};

function policy(overrides: Partial<FetchPolicy> = {}): FetchPolicy {
  return {
    timeoutMs: 2000,
    maxBytes: 5120,
    resolver: noDns,
    allowedHosts: new Map([['docs.test', { address: '127.0.0.1', port: docs.port }]]),
    allowedHostsCa: docs.caPem,
    ...overrides,
  };
}

async function failure(url: string, p: FetchPolicy = policy()): Promise<DocumentFetchError> {
  const error = await fetchJsonDocument(url, p).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DocumentFetchError);
  return error as DocumentFetchError;
}

describe('fetching a client metadata document', () => {
  it('gets a JSON document over TLS from the mapped loopback address, with Host and SNI kept as the name', async () => {
    docs.publish('/ok.json', { json: { hello: 'world' }, headers: { 'cache-control': 'max-age=120' } });
    const before = docs.hits.length;
    const fetched = await fetchJsonDocument('https://docs.test/ok.json', policy());
    expect(fetched.body).toEqual({ hello: 'world' });
    expect(fetched.headers['cache-control']).toBe('max-age=120');
    expect(docs.hits.slice(before)).toEqual([expect.objectContaining({ path: '/ok.json', host: 'docs.test' })]);
  });

  it('refuses a server whose certificate the extra CA does not vouch for', async () => {
    docs.publish('/ok.json', { json: {} });
    const error = await failure('https://docs.test/ok.json', policy({ allowedHostsCa: undefined }));
    expect(error.reason).toBe('could not be fetched');
  });

  it.each([301, 302, 303, 307, 308])('does not follow a %i redirect', async (status) => {
    docs.publish('/target.json', { json: { followed: true } });
    docs.publish(`/redirect-${status}.json`, { status, headers: { location: 'https://docs.test/target.json' } });
    const before = docs.hits.length;
    const error = await failure(`https://docs.test/redirect-${status}.json`);
    expect(error.reason).toMatch(new RegExp(`HTTP ${status}.*redirects are not followed`));
    expect(docs.hits.slice(before).map((h) => h.path)).toEqual([`/redirect-${status}.json`]);
  });

  it.each([201, 204, 404, 500])('refuses status %i: only 200 counts', async (status) => {
    docs.publish(`/status-${status}.json`, { status, json: {} });
    expect((await failure(`https://docs.test/status-${status}.json`)).reason).toMatch(`HTTP ${status}`);
  });

  it.each(['text/plain', 'text/html', 'application/jwt', ''])('refuses the content type %j', async (type) => {
    docs.publish('/typed.json', { json: {}, headers: { 'content-type': type } });
    expect((await failure('https://docs.test/typed.json')).reason).toBe('is not served as application/json');
  });

  it('accepts application/json with parameters', async () => {
    docs.publish('/charset.json', { json: { a: 1 }, headers: { 'content-type': 'Application/JSON; charset=utf-8' } });
    expect((await fetchJsonDocument('https://docs.test/charset.json', policy())).body).toEqual({ a: 1 });
  });

  it('refuses a body that is not JSON', async () => {
    docs.publish('/broken.json', { body: '{"client_id": ' });
    expect((await failure('https://docs.test/broken.json')).reason).toBe('is not valid JSON');
  });

  it('refuses a document over the byte cap, and accepts one exactly at it', async () => {
    const padded = (size: number) => JSON.stringify({ pad: 'x'.repeat(size - 10) });
    docs.publish('/at-cap.json', { body: padded(5120) });
    docs.publish('/over-cap.json', { body: padded(5121) });
    expect(padded(5120)).toHaveLength(5120);
    await expect(fetchJsonDocument('https://docs.test/at-cap.json', policy())).resolves.toBeDefined();
    expect((await failure('https://docs.test/over-cap.json')).reason).toBe('is larger than 5120 bytes');
  });

  it('cuts a chunked body without Content-Length at the cap', async () => {
    docs.publish('/huge.json', {
      body: JSON.stringify({ pad: 'y'.repeat(1_000_000) }),
      headers: { 'transfer-encoding': 'chunked' },
    });
    expect((await failure('https://docs.test/huge.json')).reason).toBe('is larger than 5120 bytes');
  });

  it('gives up on a document that does not arrive within the deadline', async () => {
    docs.publish('/slow.json', { hang: true });
    expect((await failure('https://docs.test/slow.json', policy({ timeoutMs: 300 }))).reason).toBe(
      'did not answer in time',
    );
  });

  it('refuses http and userinfo before any network activity', async () => {
    expect((await failure('http://docs.test/ok.json')).reason).toBe('must use https');
    expect((await failure('https://user:pw@docs.test/ok.json')).reason).toBe('must not contain userinfo');
  });
});

describe('address vetting before the connection', () => {
  it.each([
    'https://127.0.0.1/doc.json',
    'https://2130706433/doc.json',
    'https://0177.0.0.1/doc.json',
    'https://0x7f000001/doc.json',
    'https://127.1/doc.json',
    'https://[::1]/doc.json',
    'https://[::ffff:127.0.0.1]/doc.json',
    'https://169.254.169.254/latest/meta-data',
    'https://[fd00::1]/doc.json',
    'https://10.0.0.1/doc.json',
    'https://192.168.0.1/doc.json',
    'https://100.64.0.1/doc.json',
  ])('refuses the IP literal %s without resolving or connecting', async (url) => {
    const error = await failure(url, policy({ resolver: noDns }));
    expect(error.reason).toMatch(/special-use/);
  });

  it.each([
    ['loopback', ['127.0.0.1']],
    ['IPv6 loopback', ['::1']],
    ['the cloud metadata address', ['169.254.169.254']],
    ['a private address among public ones', ['93.184.216.34', '10.1.2.3']],
    ['a mapped loopback', ['::ffff:127.0.0.1']],
  ])('refuses a name that resolves to %s', async (_what, addresses) => {
    const resolver = vi.fn<HostResolver>(async () =>
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
    const error = await failure('https://rebind.example/doc.json', policy({ resolver }));
    expect(error.reason).toMatch(/special-use/);
    expect(error.detail).toContain('rebind.example');
    expect(resolver).toHaveBeenCalledTimes(1);
  });

  it('refuses a name that does not resolve', async () => {
    const resolver: HostResolver = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    expect((await failure('https://nowhere.example/doc.json', policy({ resolver }))).reason).toBe('does not resolve');
  });

  it('connects to the address it vetted: one lookup, whatever a second lookup would answer (DNS rebinding)', async () => {
    const answers = [[{ address: '93.184.216.34', family: 4 }], [{ address: '127.0.0.1', family: 4 }]];
    const resolver = vi.fn<HostResolver>(async () => answers.shift() ?? []);
    const target = new URL('https://rebind.example:8443/doc.json');
    const destination = await vettedDestination(target, policy({ resolver }), AbortSignal.timeout(1000));
    expect(destination).toEqual({ address: '93.184.216.34', port: 8443, allowed: false });
    expect(resolver).toHaveBeenCalledTimes(1);
  });

  it('lets only the listed host through to loopback; another name on the same address is vetted', async () => {
    const mapped = await vettedDestination(new URL('https://DOCS.test/x'), policy(), AbortSignal.timeout(1000));
    expect(mapped).toEqual({ address: '127.0.0.1', port: docs.port, allowed: true });
    const resolver: HostResolver = async () => [{ address: '127.0.0.1', family: 4 }];
    const error = await failure('https://other.test/x', policy({ resolver }));
    expect(error.reason).toMatch(/special-use/);
  });
});

describe('HTTP caching headers', () => {
  const now = Date.parse('2026-07-28T12:00:00Z');
  it.each([
    [{ 'cache-control': 'max-age=600' }, 600],
    [{ 'cache-control': 'public, max-age=30, must-revalidate' }, 30],
    [{ 'cache-control': 'max-age=600', expires: 'Tue, 28 Jul 2026 12:00:05 GMT' }, 600],
    [{ 'cache-control': 'no-cache' }, 0],
    [{ 'cache-control': 'max-age=abc' }, 0],
    [{ expires: 'Tue, 28 Jul 2026 13:00:00 GMT', date: 'Tue, 28 Jul 2026 12:00:00 GMT' }, 3600],
    [{ expires: 'Tue, 28 Jul 2026 12:10:00 GMT' }, 600],
    [{ expires: 'Tue, 28 Jul 2026 11:00:00 GMT' }, 0],
    [{ expires: 'not a date' }, 0],
    [{}, 0],
  ])('reads %j as %i seconds', (headers, seconds) => {
    expect(freshnessSeconds(headers, now)).toBe(seconds);
  });

  it('reads no-store as "never store", whatever else is said', () => {
    expect(freshnessSeconds({ 'cache-control': 'max-age=600, no-store' }, now)).toBeUndefined();
  });
});
