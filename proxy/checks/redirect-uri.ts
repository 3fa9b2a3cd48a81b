// Redirect URIs, in two stages (design.md "Redirect URIs"): at registration a policy decides which URIs a client may
// register (the operator's wildcard allowlist, https or loopback only, no fragments, no userinfo); at /authorize the
// requested URI must then equal a registered one byte for byte, except the port of a loopback redirect.
import { isLoopbackHost } from '../http/loopback.ts';

/** Why a redirect URI was refused at registration; the text is safe to send to the client. */
export type RedirectUriVerdict = { ok: true } | { ok: false; reason: string };

/** One parsed allowlist pattern such as `https://*.example.com/*` or `http://localhost:*`. */
export interface RedirectUriPattern {
  source: string;
  scheme: string;
  /** Host labels, lower-case; `*` is exactly one DNS label. An IPv6 literal is one label in brackets. */
  hostLabels: string[];
  /** `undefined`: the default port only; `'*'`: any port; otherwise the exact port. */
  port: string | undefined;
  /** Path prefix when `pathIsPrefix`, else the exact path; `undefined`: any path. */
  path: string | undefined;
  pathIsPrefix: boolean;
}

export const MAX_REDIRECT_URI_LENGTH = 2048;

const FORBIDDEN_SCHEMES = new Set(['javascript', 'data', 'file', 'vbscript', 'blob', 'about', 'filesystem']);
const PATTERN_SYNTAX = /^([a-z][a-z0-9+.-]*):\/\/(\[[0-9a-f:.]+\]|[^/:?#[\]@]+)(?::(\d{1,5}|\*))?(\/[^?#]*)?$/i;
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** Parses one allowlist pattern; throws an Error naming the pattern when it is malformed. */
export function parseRedirectUriPattern(source: string): RedirectUriPattern {
  const match = PATTERN_SYNTAX.exec(source);
  if (!match) throw new Error(`cannot parse the pattern ${JSON.stringify(source)}`);
  const [, scheme = '', host = '', port, rawPath] = match;
  if (FORBIDDEN_SCHEMES.has(scheme.toLowerCase())) {
    throw new Error(`scheme ${scheme} is never allowed (${JSON.stringify(source)})`);
  }
  const hostLabels = host.startsWith('[') ? [host.toLowerCase()] : host.toLowerCase().split('.');
  for (const label of hostLabels) {
    if (label !== '*' && !label.startsWith('[') && !DNS_LABEL.test(label)) {
      throw new Error(`bad host label ${JSON.stringify(label)} in ${JSON.stringify(source)}`);
    }
  }
  const pathIsPrefix = rawPath?.endsWith('*') ?? false;
  const path = rawPath === undefined ? undefined : pathIsPrefix ? rawPath.slice(0, -1) : rawPath;
  if (path?.includes('*')) throw new Error(`'*' only at the end of a path (${JSON.stringify(source)})`);
  return { source, scheme: scheme.toLowerCase(), hostLabels, port, path, pathIsPrefix };
}

/**
 * The registration policy for one redirect URI. Components are compared after parsing (never by substring), so
 * `https://evil.com/x.example.com` cannot pass for `*.example.com`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.1.2 (absolute URI, no fragment)
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-2.6 (http only for loopback)
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.3 (loopback redirects)
 */
export function checkRedirectUriForRegistration(
  uri: string,
  policy: { allowlist: RedirectUriPattern[]; ownCallback: URL },
): RedirectUriVerdict {
  if (uri.length > MAX_REDIRECT_URI_LENGTH) return refuse(`longer than ${MAX_REDIRECT_URI_LENGTH} characters`);
  // Whitespace, controls and backslashes are parsed differently by different URL parsers: refuse them outright.
  if (/[\s\\]/.test(uri) || hasControlCharacters(uri)) {
    return refuse('contains whitespace, control characters or a backslash');
  }
  if (uri.includes('#')) return refuse('must not contain a fragment');
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return refuse('is not an absolute URI');
  }
  const scheme = url.protocol.slice(0, -1);
  if (FORBIDDEN_SCHEMES.has(scheme)) return refuse(`scheme ${scheme}: is not allowed`);
  if (url.username !== '' || url.password !== '' || authorityOf(uri).includes('@')) {
    return refuse('must not contain userinfo');
  }
  const loopback = scheme === 'http' && isLoopbackHost(url.hostname);
  const privateUse = scheme !== 'http' && scheme !== 'https';
  if (scheme === 'http' && !loopback) return refuse('http is allowed only for loopback hosts; use https');
  if (privateUse && !policy.allowlist.some((p) => p.scheme === scheme && matchesPattern(url, p))) {
    return refuse(`scheme ${scheme}: is allowed only when the operator's allowlist names it`);
  }
  if (isOwnCallback(url, policy.ownCallback)) return refuse("must not be the proxy's own upstream callback");
  if (policy.allowlist.length > 0 && !policy.allowlist.some((p) => matchesPattern(url, p))) {
    return refuse("is not allowed by this server's redirect URI policy");
  }
  return { ok: true };
}

/** Whether a parsed URI matches one allowlist pattern, component by component. */
export function matchesPattern(url: URL, pattern: RedirectUriPattern): boolean {
  if (url.protocol.slice(0, -1) !== pattern.scheme) return false;
  const host = url.hostname.toLowerCase();
  const labels = host.startsWith('[') ? [host] : host.split('.');
  if (labels.length !== pattern.hostLabels.length) return false;
  const hostOk = pattern.hostLabels.every((want, i) => {
    const got = labels[i] ?? '';
    return want === '*' ? DNS_LABEL.test(got) : want === got;
  });
  if (!hostOk) return false;
  if (pattern.port !== '*' && url.port !== (pattern.port ?? '')) return false;
  if (pattern.path === undefined) return true;
  return pattern.pathIsPrefix ? url.pathname.startsWith(pattern.path) : url.pathname === pattern.path;
}

/**
 * The /authorize comparison: byte-exact against the registered URIs (RFC 3986 §6.2.1 simple string comparison),
 * except that a loopback redirect may carry any port. `localhost` is treated like the IP literals for interop with
 * MCP clients that bind ephemeral ports, but a host never matches a different spelling (`localhost` ≠ `127.0.0.1`).
 * Returns the registered URI that matched, or undefined.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.1.3
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.3
 */
export function findRegisteredRedirectUri(requested: string, registered: readonly string[]): string | undefined {
  const exact = registered.find((r) => r === requested);
  if (exact !== undefined) return exact;
  const wanted = withoutLoopbackPort(requested);
  if (wanted === undefined) return undefined;
  return registered.find((r) => withoutLoopbackPort(r) === wanted);
}

const LOOPBACK_URI = /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)(?::(\d{1,5}))?([/?][^#]*)?$/;

/** The raw URI with its port removed when it is an http loopback URI, else undefined. Works on the raw string. */
function withoutLoopbackPort(uri: string): string | undefined {
  const match = LOOPBACK_URI.exec(uri);
  if (!match) return undefined;
  const [, host, , rest = ''] = match;
  return `http://${host}${rest === '' ? '/' : rest}`;
}

/** Is this URI the proxy's own upstream callback (any case, encoding or trailing-slash variant)? */
function isOwnCallback(url: URL, ownCallback: URL): boolean {
  if (url.origin !== ownCallback.origin) return false;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname).toLowerCase().replace(/\/+$/, '');
  } catch {
    return true;
  }
  return path === ownCallback.pathname.toLowerCase() || path.startsWith(`${ownCallback.pathname.toLowerCase()}/`);
}

/** The raw authority of a URI string (between `//` and the next `/`, `?` or `#`). */
function authorityOf(uri: string): string {
  const start = uri.indexOf('//');
  if (start < 0) return '';
  const rest = uri.slice(start + 2);
  const end = rest.search(/[/?#]/);
  return end < 0 ? rest : rest.slice(0, end);
}

/** Whether a string contains C0 control characters or DEL. */
export function hasControlCharacters(value: string): boolean {
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function refuse(reason: string): RedirectUriVerdict {
  return { ok: false, reason };
}
