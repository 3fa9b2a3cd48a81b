// Loopback hosts: where http is tolerated (development issuers, native-app redirects, RFC 8252 §7.3). `localhost` is
// included for interop with MCP clients that register it, although RFC 8252 §8.3 prefers the IP literals.

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether a URL's `hostname` (brackets included for IPv6, as WHATWG URL gives it) is a loopback host. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}
