// fast-check arbitraries for hostile input to every endpoint: strings with NUL, CRLF and lone surrogates, huge values,
// broken percent-encoding and UTF-8, repeated and prototype-polluting parameter names, JSON of the wrong types, wrong
// content types, forged cookies and malformed Authorization headers. Valid values are mixed in so that the fuzzer also
// gets past the first checks of each endpoint.
import fc from 'fast-check';

/** Runs per property: `FUZZ_RUNS` (the long run sets 10000), else a count that keeps `npm test` fast. */
export const FUZZ_RUNS = Number.parseInt(process.env.FUZZ_RUNS ?? '', 10) || 200;

/** One megabyte of `a`, built once: fuzz cases reuse it instead of generating it. */
export const ONE_MEGABYTE = 'a'.repeat(1024 * 1024);

const HOSTILE_CONSTANTS = [
  '',
  ' ',
  '\0',
  'a\0b',
  '\r\nSet-Cookie: pwned=1',
  '%0d%0aLocation:%20https://evil.example',
  'state\r\nLocation: https://evil.example',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '%',
  '%zz',
  '%FF%FE',
  '%C0%AF',
  '%E2%82',
  '%00',
  '\uD800',
  '\uDFFF',
  '\uFEFF',
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  'data:text/html,<b>x</b>',
  'https://evil.example/callback',
  '//evil.example',
  'http://127.0.0.1:1/cb',
  'null',
  'undefined',
  'NaN',
  '[]',
  '{}',
  '0',
  '-1',
  '1e309',
  'S256',
  'plain',
  'code',
  'token',
  'authorization_code',
  'refresh_token',
  'approve',
  'deny',
];

/** Any string an attacker could send as a value, from the empty string to one megabyte. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_CONSTANTS), weight: 4 },
  { arbitrary: fc.string({ maxLength: 64 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 64 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 32 }), weight: 1 },
  { arbitrary: fc.stringMatching(/^[A-Za-z0-9\-._~]{0,200}$/), weight: 2 },
  { arbitrary: fc.integer({ min: 1, max: 70_000 }).map((n) => 'x'.repeat(n)), weight: 1 },
  { arbitrary: fc.constant(ONE_MEGABYTE), weight: 1 },
);

/** A value: either hostile, or one of the given meaningful values (valid ids, URIs …). */
export function valueFrom(meaningful: readonly string[]): fc.Arbitrary<string> {
  if (meaningful.length === 0) return hostileString;
  // Mostly meaningful, so that a request with several parameters usually has one or two hostile ones, not all.
  return fc.oneof({ arbitrary: fc.constantFrom(...meaningful), weight: 5 }, { arbitrary: hostileString, weight: 1 });
}

/** Parameter names: the endpoint's own (so they get hostile values), prototype keys and random names. */
export function paramName(known: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...known), weight: 6 },
    { arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'hasOwnProperty', ''), weight: 1 },
    { arbitrary: hostileString, weight: 1 },
  );
}

/**
 * Name/value pairs for a query or form: each known parameter usually with a meaningful value, sometimes hostile,
 * sometimes repeated, plus extra random pairs.
 */
export function paramPairs(meaningful: Record<string, readonly string[]>): fc.Arbitrary<[string, string][]> {
  const names = Object.keys(meaningful);
  const knownPairs = fc.tuple(
    ...names.map((name) =>
      fc.oneof(
        { arbitrary: fc.constant<[string, string][]>([]), weight: 1 },
        { arbitrary: valueFrom(meaningful[name] ?? []).map((v): [string, string][] => [[name, v]]), weight: 10 },
        {
          arbitrary: fc
            .array(valueFrom(meaningful[name] ?? []), { minLength: 2, maxLength: 3 })
            .map((vs) => vs.map((v): [string, string] => [name, v])),
          weight: 1,
        },
      ),
    ),
  );
  const extra = fc.oneof(
    { arbitrary: fc.constant<[string, string][]>([]), weight: 3 },
    { arbitrary: fc.array(fc.tuple(paramName(names), hostileString), { minLength: 1, maxLength: 3 }), weight: 1 },
  );
  return fc.tuple(knownPairs, extra).map(([known, more]) => [...known.flat(), ...more]);
}

/** Encodes pairs the way a form or a query string would; `raw` leaves names and values unescaped. */
export const encodedParams = (pairs: [string, string][], raw: boolean): string =>
  raw
    ? pairs.map(([k, v]) => `${k}=${v}`).join('&')
    : pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');

/** encodeURIComponent, except that a lone surrogate becomes the bytes of an (invalid) UTF-8 surrogate, `%ED%A0%80`. */
function percentEncode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    let encoded = '';
    for (const char of value) {
      const code = char.codePointAt(0) ?? 0;
      encoded += code >= 0xd800 && code <= 0xdfff ? '%ED%A0%80' : encodeURIComponent(char);
    }
    return encoded;
  }
}

/** Query strings and form bodies that URLSearchParams may decode in surprising ways. */
export const brokenEncoding: fc.Arbitrary<string> = fc.constantFrom(
  '%',
  '%%%',
  'a=%',
  'a=%zz&b=%',
  'client_id=%FF%FE',
  'state=%C0%AF',
  'code=%E2%82',
  '&&&=&=',
  '=',
  '==value',
  '+=+&+',
  'a=1;b=2',
  'a[]=1&a[]=2',
  'a[__proto__][x]=1',
  '__proto__[polluted]=1',
  'constructor[prototype][polluted]=1',
);

/** A query string or body: well-formed pairs, raw (unescaped) pairs, or broken encoding. */
export function encodedForm(meaningful: Record<string, readonly string[]>): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.tuple(paramPairs(meaningful), fc.boolean()).map(([p, raw]) => encodedParams(p, raw)), weight: 6 },
    { arbitrary: brokenEncoding, weight: 1 },
    { arbitrary: hostileString, weight: 1 },
  );
}

/** A request body as bytes: the text, or bytes that are not valid UTF-8. */
export const invalidUtf8: fc.Arbitrary<Uint8Array<ArrayBuffer>> = fc.oneof(
  fc.constant(Uint8Array.from([0xff, 0xfe, 0xfd])),
  fc.constant(Uint8Array.from([0x63, 0x6f, 0x64, 0x65, 0x3d, 0xc0, 0xaf])),
  fc.constant(Uint8Array.from([0xed, 0xa0, 0x80])),
  fc.uint8Array({ maxLength: 256 }).map((bytes) => new Uint8Array(bytes)),
);

export const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { arbitrary: fc.constant('application/x-www-form-urlencoded'), weight: 6 },
  { arbitrary: fc.constant('application/json'), weight: 3 },
  {
    arbitrary: fc.constantFrom(
      undefined,
      'application/x-www-form-urlencoded; charset=utf-8',
      'APPLICATION/JSON; charset=UTF-8',
      'application/json; charset=latin1',
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/xml',
      '*/*',
      '',
      ';;;',
      'application/x-www-form-urlencoded, application/json',
    ),
    weight: 2,
  },
);

/** Mostly the form encoding an OAuth endpoint expects (so the fuzzer gets past it), sometimes anything else. */
export const formContentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { arbitrary: fc.constant('application/x-www-form-urlencoded'), weight: 4 },
  { arbitrary: contentType, weight: 1 },
);

/** A header value the Fetch API accepts (no CR, LF or NUL; Latin-1 only) that is still hostile. */
export const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 64 }).map(headerSafe),
  fc.constantFrom('', ' ', '%0d%0a', 'é', '\t', 'x'.repeat(8000)),
);

function headerSafe(value: string): string {
  let safe = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    safe += code === 0x09 || (code >= 0x20 && code <= 0xff && code !== 0x7f) ? char : '?';
  }
  return safe;
}

/** Authorization headers: malformed Basic, Bearer with garbage, other schemes, or none. */
export function authorizationHeader(meaningfulTokens: readonly string[] = []): fc.Arbitrary<string | undefined> {
  const base64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  return fc.oneof(
    fc.constant(undefined),
    fc.constant(undefined),
    fc.constant(undefined),
    fc.constantFrom(
      'Basic',
      'Basic ',
      'Basic ====',
      'Basic !!!',
      `Basic ${base64('no-colon')}`,
      `Basic ${base64(':')}`,
      `Basic ${base64('%:%')}`,
      `Basic ${base64('%E0%A4%A:x')}`,
      `Basic ${base64('__proto__:constructor')}`,
      'Bearer',
      'Bearer ',
      'Bearer a.b.c',
      'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
      'bearer x y',
      'Digest username="x"',
      'Negotiate ' + 'A'.repeat(5000),
    ),
    headerValue.map((v) => `Basic ${v}`),
    headerValue.map((v) => `Basic ${base64(v)}`),
    fc.tuple(headerValue, headerValue).map(([id, secret]) => `Basic ${base64(`${id}:${secret}`)}`),
    headerValue.map((v) => `Bearer ${v}`),
    ...(meaningfulTokens.length > 0 ? [fc.constantFrom(...meaningfulTokens).map((t) => `Bearer ${t}`)] : []),
    headerValue,
  );
}

/** Cookie headers: garbled, forged consent cookies (right name, wrong signature), many cookies, or none. */
export function cookieHeader(consentCookieNames: readonly string[] = []): fc.Arbitrary<string | undefined> {
  const names = ['mcp-consent-0000000000000000', '__Host-mcp-consent-0000000000000000', ...consentCookieNames];
  return fc.oneof(
    fc.constant(undefined),
    fc.constantFrom(';;;', '=', '==', 'a', '__proto__=1', 'constructor=x; toString=y'),
    fc.tuple(fc.constantFrom(...names), headerValue).map(([n, v]) => `${n}=${v}`),
    fc
      .tuple(fc.constantFrom(...names), fc.integer({ min: 0, max: 2 ** 40 }), fc.stringMatching(/^[\w-]{43}$/))
      .map(([n, exp, mac]) => `${n}=${exp}.${mac}`),
    fc
      .array(fc.tuple(headerValue, headerValue), { maxLength: 20 })
      .map((cs) => cs.map(([k, v]) => `${k}=${v}`).join('; ')),
  );
}

/** Extra request headers that endpoints read or that frameworks interpret. */
export const extraHeaders: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    origin: fc.constantFrom('null', 'https://evil.example', 'https://proxy.test', ''),
    'sec-fetch-site': fc.constantFrom('same-origin', 'cross-site', 'none', 'same-site', 'garbage'),
    'x-forwarded-for': headerValue,
    'content-length': fc.constantFrom('0', '-1', 'abc', '99999999999', '1e3'),
    accept: headerValue,
    'mcp-protocol-version': headerValue,
  },
  { requiredKeys: [] },
);

/** JSON documents of the wrong shape or with the wrong types, including prototype-polluting keys. */
export function registrationJson(meaningful: Record<string, unknown>): fc.Arbitrary<string> {
  const wrongType = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(null, true, 0, -1, 1e308, '', [], {}, [null], [[]], [{}]),
    hostileString,
    fc.array(hostileString, { maxLength: 4 }),
  );
  const field = (name: string) =>
    fc.oneof({ arbitrary: fc.constant(meaningful[name]), weight: 3 }, { arbitrary: wrongType, weight: 2 });
  const object = fc
    .record(Object.fromEntries(Object.keys(meaningful).map((k) => [k, field(k)])), { requiredKeys: [] })
    .map((o) => JSON.stringify(o));
  const pollution = fc.constantFrom(
    '{"__proto__":{"redirect_uris":["https://evil.example/cb"]},"token_endpoint_auth_method":"none"}',
    '{"constructor":{"prototype":{"polluted":true}},"redirect_uris":["https://client.test/callback"]}',
    '{"redirect_uris":["https://client.test/callback"],"__proto__":{"token_endpoint_auth_method":"none"}}',
    '{"redirect_uris":["https://client.test/callback"],"redirect_uris":["https://evil.example/cb"]}',
  );
  return fc.oneof(
    { arbitrary: object, weight: 6 },
    { arbitrary: pollution, weight: 1 },
    { arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)), weight: 1 },
    { arbitrary: fc.constantFrom('', '{', '{"a":', 'nul', '[1,2', '\uFEFF{}', '{"a":1}{"b":2}'), weight: 1 },
    { arbitrary: fc.constant(`{"client_name":"${ONE_MEGABYTE}"}`), weight: 1 },
  );
}

export const httpMethod: fc.Arbitrary<string> = fc.constantFrom(
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'HEAD',
  'PROPFIND',
  'FOO',
);
