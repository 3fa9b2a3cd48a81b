// The `WWW-Authenticate: Bearer` challenge of a resource server (RFC 6750 §3), read the way a client reads it.
// @see https://www.rfc-editor.org/rfc/rfc6750#section-3

/** Parses `WWW-Authenticate: Bearer a="b", c=d` into its parameters (first Bearer challenge only). */
export function parseBearerChallenge(header: string | null): Record<string, string> | undefined {
  if (!header) return undefined;
  const match = /(?:^|,)\s*Bearer\b(.*)$/i.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  const re = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (let m = re.exec(match[1] ?? ''); m; m = re.exec(match[1] ?? '')) {
    const name = (m[1] ?? '').toLowerCase();
    params[name] ??= m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  }
  return params;
}
