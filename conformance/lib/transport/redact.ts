// Secret redaction for everything the suite records (HTTP traces, report messages): credentials keep their first four
// characters so a reader can tell two values apart without being able to replay them.

/** Names whose values are credentials, in form bodies, JSON bodies and query strings. */
export const SECRET_FIELDS = [
  'client_secret',
  'code',
  'code_verifier',
  'access_token',
  'refresh_token',
  'id_token',
  'token',
  'registration_access_token',
  'password',
  'subject_token',
  'assertion',
] as const;

const SECRET_SET = new Set<string>(SECRET_FIELDS);
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/** `abcdefgh` → `abcd…`; values of four characters or fewer become `…` so that nothing short leaks whole. */
export function redactValue(value: string): string {
  return value.length > 4 ? `${value.slice(0, 4)}…` : '…';
}

export function isSecretField(name: string): boolean {
  return SECRET_SET.has(name.toLowerCase());
}

/** Authorization keeps its scheme (`Bearer eyJh…`); cookies keep their names and attributes, not their values. */
export function redactHeader(name: string, value: string): string {
  const lower = name.toLowerCase();
  if (!SECRET_HEADERS.has(lower)) return value;
  if (lower === 'authorization' || lower === 'proxy-authorization') {
    const space = value.indexOf(' ');
    return space > 0 ? `${value.slice(0, space)} ${redactValue(value.slice(space + 1))}` : redactValue(value);
  }
  if (lower === 'cookie') {
    return value
      .split(';')
      .map((pair) => redactCookiePair(pair.trim()))
      .join('; ');
  }
  const [first, ...attributes] = value.split(';');
  return [redactCookiePair((first ?? '').trim()), ...attributes].join(';');
}

function redactCookiePair(pair: string): string {
  const eq = pair.indexOf('=');
  return eq < 0 ? pair : `${pair.slice(0, eq)}=${redactValue(pair.slice(eq + 1))}`;
}

/** Redacts secret parameters of a URL's query string; anything unparsable is returned unchanged. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (!parsed.search) return url;
  return `${parsed.origin}${parsed.pathname}?${redactFormString(parsed.search.slice(1))}${parsed.hash}`;
}

/** `a=1&code=xyz12345` → `a=1&code=xyz1…` (names and order preserved). */
export function redactFormString(form: string): string {
  return form
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const name = safeDecode(pair.slice(0, eq));
      return isSecretField(name) ? `${pair.slice(0, eq)}=${redactValue(safeDecode(pair.slice(eq + 1)))}` : pair;
    })
    .join('&');
}

/** Redacts secret keys at any depth of a JSON value. */
export function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        isSecretField(k) && typeof v === 'string' ? redactValue(v) : redactJson(v),
      ]),
    );
  }
  return value;
}

/** Redacts a body of unknown type: JSON if it parses, else a form string if it looks like one, else as is. */
export function redactBody(body: string, contentType = ''): string {
  const trimmed = body.trim();
  if (contentType.includes('json') || trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.stringify(redactJson(JSON.parse(trimmed)), null, 2);
    } catch {
      // not JSON after all: fall through
    }
  }
  if (contentType.includes('x-www-form-urlencoded') || /^[\w.~%-]+=[^\s]*(&[\w.~%-]+=[^\s]*)*$/.test(trimmed)) {
    return redactFormString(trimmed);
  }
  return body;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
