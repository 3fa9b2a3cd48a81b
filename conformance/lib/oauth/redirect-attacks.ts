// Redirect URIs that an allowlist pattern must not admit, derived from the pattern itself, and the look-alikes of
// loopback that are plain http to some other host. Patterns are read the way the target description documents them:
// `*` in a host is exactly one DNS label, in a port any port, at the end of a path any suffix. Every derived host is
// under a reserved name (RFC 6761 `.test`) or a spelling of the pattern's own host, and is only registered, never
// visited: nothing makes the target connect anywhere.

/** A URI the pattern admits (its wildcards filled in), and URIs that each differ from it in one way it must refuse. */
export interface DerivedAttacks {
  admitted: string;
  attacks: { uri: string; why: string }[];
}

const PATTERN = /^([a-z][a-z0-9+.-]*):\/\/(\[[0-9a-f:.]+\]|[^/:?#[\]@]+)(?::(\d{1,5}|\*))?(\/[^?#]*)?$/i;
const ATTACKER = 'attacker.test';

/** Undefined when the pattern cannot be read (the description is then wrong, reported by the check). */
export function deriveAttacks(pattern: string): DerivedAttacks | undefined {
  const m = PATTERN.exec(pattern);
  if (!m) return undefined;
  const [, scheme = '', hostPattern = '', portPattern, pathPattern] = m;
  const labels = hostPattern.startsWith('[') ? [hostPattern] : hostPattern.split('.');
  const host = labels.map((l) => (l === '*' ? 'conformance' : l)).join('.');
  const port = portPattern === '*' ? '8976' : portPattern;
  const path =
    pathPattern === undefined ? '/cb' : pathPattern.endsWith('*') ? `${pathPattern.slice(0, -1)}cb` : pathPattern;
  const uri = (s: string, h: string, p: string | undefined, rest = path): string =>
    `${s}://${h}${p ? `:${p}` : ''}${rest.startsWith('/') ? rest : `/${rest}`}`;
  const admitted = uri(scheme, host, port);
  const attacks: { uri: string; why: string }[] = [];
  // "." read as "any character": each dot between two literal labels replaced by a letter.
  for (let i = 1; i < labels.length; i++) {
    if (labels[i - 1] === '*' || labels[i] === '*' || hostPattern.startsWith('[')) continue;
    const lookalike = labels
      .map((l) => (l === '*' ? 'conformance' : l))
      .reduce((acc, l, j) => (j === 0 ? l : `${acc}${j === i ? 'x' : '.'}${l}`), '');
    attacks.push({ uri: uri(scheme, lookalike, port), why: `"." of the pattern read as any character` });
  }
  // A one-label wildcard stretched over two labels.
  if (labels.includes('*')) {
    attacks.push({
      uri: uri(scheme, labels.map((l) => (l === '*' ? 'a.b' : l)).join('.'), port),
      why: '"*" matching more than one DNS label',
    });
    // The wildcard label swallowing the next literal label's dot (prefix confusion).
    const w = labels.indexOf('*');
    if (w + 1 < labels.length) {
      const merged = [...labels.slice(0, w), `evil${labels[w + 1]}`, ...labels.slice(w + 2)].join('.');
      attacks.push({ uri: uri(scheme, merged, port), why: 'a host that only ends with the pattern text' });
    }
  }
  if (!hostPattern.startsWith('[')) {
    attacks.push({
      uri: uri(scheme, `${host}.${ATTACKER}`, port),
      why: 'the pattern host as a prefix of another host',
    });
    attacks.push({
      uri: uri(scheme, `${ATTACKER}`, port, `/${host}${path}`),
      why: 'the pattern host in the path only',
    });
  }
  attacks.push({
    uri: `${scheme}://${host}@${ATTACKER}${port ? `:${port}` : ''}${path}`,
    why: 'the pattern host as userinfo',
  });
  if (scheme === 'https') attacks.push({ uri: uri('http', host, port), why: 'another scheme (http)' });
  if (portPattern === undefined)
    attacks.push({ uri: uri(scheme, host, '8443'), why: 'a port the pattern does not name' });
  else if (portPattern !== '*') {
    attacks.push({ uri: uri(scheme, host, String((Number(portPattern) % 65000) + 1)), why: 'another port' });
  }
  if (pathPattern !== undefined && !pathPattern.endsWith('*')) {
    attacks.push({ uri: uri(scheme, host, port, `${pathPattern}/x`), why: 'a longer path than the exact one' });
  }
  return { admitted, attacks };
}

/**
 * Hosts that look like loopback and are not: http to them is plain http to the internet (or, with the reserved
 * `.test` names used here, to nowhere). A registration rule that takes every host beginning with `127.` or
 * `localhost` for loopback admits them.
 */
export const LOOPBACK_LOOKALIKES = [
  'http://127.0.0.1.attacker.test:8976/callback',
  'http://127.attacker.test:8976/callback',
  'http://localhost.attacker.test:8976/callback',
  'http://localhostattacker.test:8976/callback',
  'http://127.0.0.1x.test:8976/callback',
];

/** Whether `uri` is admitted by `pattern` as the target description documents patterns (component by component). */
export function admits(pattern: string, uri: string): boolean {
  const m = PATTERN.exec(pattern);
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (!m || url.username !== '' || url.password !== '') return false;
  const [, scheme = '', hostPattern = '', portPattern, pathPattern] = m;
  if (url.protocol !== `${scheme.toLowerCase()}:`) return false;
  const want = hostPattern.startsWith('[') ? [hostPattern.toLowerCase()] : hostPattern.toLowerCase().split('.');
  const got = url.hostname.startsWith('[') ? [url.hostname] : url.hostname.split('.');
  if (want.length !== got.length) return false;
  if (!want.every((w, i) => (w === '*' ? /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(got[i] ?? '') : w === got[i]))) {
    return false;
  }
  if (portPattern !== '*' && url.port !== (portPattern ?? '')) return false;
  if (pathPattern === undefined) return true;
  return pathPattern.endsWith('*') ? url.pathname.startsWith(pathPattern.slice(0, -1)) : url.pathname === pathPattern;
}

/** Every attack derived from every pattern that no pattern of the allowlist admits (each with its pattern). */
export function allowlistAttacks(allowlist: readonly string[]): {
  admitted: { pattern: string; uri: string }[];
  attacks: { pattern: string; uri: string; why: string }[];
  unreadable: string[];
} {
  const out = {
    admitted: [] as { pattern: string; uri: string }[],
    attacks: [] as { pattern: string; uri: string; why: string }[],
    unreadable: [] as string[],
  };
  for (const pattern of allowlist) {
    const derived = deriveAttacks(pattern);
    if (!derived) {
      out.unreadable.push(pattern);
      continue;
    }
    out.admitted.push({ pattern, uri: derived.admitted });
    for (const a of derived.attacks) {
      if (!allowlist.some((p) => admits(p, a.uri))) out.attacks.push({ pattern, ...a });
    }
  }
  return out;
}
