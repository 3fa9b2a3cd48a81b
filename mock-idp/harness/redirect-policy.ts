// Which redirect URIs the pre-registered client may use: the registered ones, plus (unless strict) any loopback
// URI, a documented test-only leniency so that a proxy on any local port works without configuration.

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * An http(s) URI on a loopback host, any port, without userinfo or fragment.
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.3
 */
export function isLoopbackUri(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.username || url.password || url.hash || value.includes('#')) return false;
  return LOOPBACK_HOSTS.has(url.hostname);
}

export class RedirectPolicy {
  constructor(
    readonly registered: readonly string[],
    readonly strict: boolean,
  ) {}

  /** Exact string match against a registered URI, or (lenient mode) any loopback URI. */
  allows(value: string | undefined): value is string {
    if (!value) return false;
    if (this.registered.includes(value)) return true;
    return !this.strict && isLoopbackUri(value);
  }
}
