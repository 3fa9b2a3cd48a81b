// Which IP addresses the proxy refuses to fetch client metadata from: every special-use block of RFC 6890 and the
// IANA special-purpose registries (loopback, private, link-local with the cloud metadata address 169.254.169.254,
// CGNAT, multicast, unspecified, broadcast, documentation, reserved), in IPv4 and in each IPv6 form that carries an
// IPv4 address (mapped, compatible, NAT64, 6to4). Addresses are parsed to bytes here, never matched as text, so no
// spelling slips through: the fetcher hands this module the address it is about to connect to.
//
// draft-ietf-oauth-client-id-metadata-document-00 §6.5: "Authorization servers SHOULD avoid fetching any URLs using
// private or loopback addresses and consider network policies or other measures to prevent making requests to these
// addresses." -01 makes it a MUST: "Authorization servers MUST validate that the Client ID Metadata Document URL does
// not resolve to special-use IP addresses as defined in {{RFC6890}}". -01's exception for an authorization server that
// itself runs on loopback is not taken: a proxy bound to 127.0.0.1 behind a TLS terminator is still a production
// server, so loopback is reachable only through the operator's explicit, dangerous host map.
// @see https://www.ietf.org/archive/id/draft-ietf-oauth-client-id-metadata-document-00.html#section-6.5
// @see https://datatracker.ietf.org/doc/html/draft-ietf-oauth-client-id-metadata-document-01
// @see https://www.rfc-editor.org/rfc/rfc6890
// @see https://www.iana.org/assignments/iana-ipv4-special-registry/
// @see https://www.iana.org/assignments/iana-ipv6-special-registry/

/** Why an address is refused, e.g. `loopback (127.0.0.0/8)`; undefined for an ordinary global address. */
export type SpecialUseVerdict = string | undefined;

interface Block {
  /** Network prefix, as bytes (4 for IPv4, 16 for IPv6). */
  prefix: number[];
  bits: number;
  name: string;
}

const IPV4_BLOCKS: Block[] = [
  v4('0.0.0.0', 8, 'unspecified / "this network"'),
  v4('10.0.0.0', 8, 'private'),
  v4('100.64.0.0', 10, 'shared address space (CGNAT)'),
  v4('127.0.0.0', 8, 'loopback'),
  v4('169.254.0.0', 16, 'link-local (cloud metadata)'),
  v4('172.16.0.0', 12, 'private'),
  v4('192.0.0.0', 24, 'IETF protocol assignments'),
  v4('192.0.2.0', 24, 'documentation'),
  v4('192.31.196.0', 24, 'AS112'),
  v4('192.52.193.0', 24, 'AMT'),
  v4('192.88.99.0', 24, '6to4 relay anycast'),
  v4('192.168.0.0', 16, 'private'),
  v4('192.175.48.0', 24, 'AS112'),
  v4('198.18.0.0', 15, 'benchmarking'),
  v4('198.51.100.0', 24, 'documentation'),
  v4('203.0.113.0', 24, 'documentation'),
  v4('224.0.0.0', 4, 'multicast'),
  v4('240.0.0.0', 4, 'reserved (and broadcast)'),
];

/** IPv6 blocks refused outright. The forms that embed an IPv4 address are handled before these (see vetIpv6). */
const IPV6_BLOCKS: Block[] = [
  v6('::', 128, 'unspecified'),
  v6('::1', 128, 'loopback'),
  v6('64:ff9b:1::', 48, 'local-use NAT64'),
  v6('100::', 64, 'discard-only'),
  v6('2001::', 23, 'IETF protocol assignments (Teredo, ORCHID, …)'),
  v6('2001:db8::', 32, 'documentation'),
  v6('3fff::', 20, 'documentation'),
  v6('5f00::', 16, 'segment routing'),
  v6('fc00::', 7, 'unique local (private)'),
  v6('fe80::', 10, 'link-local'),
  v6('fec0::', 10, 'site-local (deprecated)'),
  v6('ff00::', 8, 'multicast'),
];

/**
 * Vets an IP address in its standard text form (dotted quad, or IPv6 with or without brackets, as resolvers and
 * WHATWG URL produce them). Returns why it is refused, or undefined. Text that is not an IP address is refused too:
 * the caller only ever asks about addresses it is about to connect to.
 */
export function specialUseAddress(address: string): SpecialUseVerdict {
  const v4bytes = parseIpv4(address);
  if (v4bytes) return vetIpv4(v4bytes, address);
  const v6bytes = parseIpv6(address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address);
  if (v6bytes) return vetIpv6(v6bytes, address);
  return `not an IP address (${JSON.stringify(address)})`;
}

/** Whether a URL hostname is an IP literal (WHATWG URL has already turned odd IPv4 spellings into dotted quads). */
export function isIpLiteral(hostname: string): boolean {
  return parseIpv4(hostname) !== undefined || (hostname.startsWith('[') && hostname.endsWith(']'));
}

function vetIpv4(bytes: number[], text: string): SpecialUseVerdict {
  const block = IPV4_BLOCKS.find((b) => inBlock(bytes, b));
  return block ? `${block.name} (${text} in ${blockText(block)})` : undefined;
}

function vetIpv6(bytes: number[], text: string): SpecialUseVerdict {
  const zeros = (from: number, to: number): boolean => bytes.slice(from, to).every((b) => b === 0);
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated): a connection reaches the IPv4 address itself.
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return embedded('IPv4-mapped', bytes.slice(12), text);
  if (zeros(0, 12) && !zeros(12, 16) && !(zeros(12, 15) && bytes[15] === 1)) {
    return embedded('IPv4-compatible', bytes.slice(12), text);
  }
  // 64:ff9b::/96 (RFC 6052 well-known NAT64 prefix): a translator forwards to the embedded IPv4 address.
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zeros(4, 12)) {
    return embedded('NAT64', bytes.slice(12), text);
  }
  // 2002::/16 (6to4): the next 32 bits are an IPv4 address.
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return embedded('6to4', bytes.slice(2, 6), text);
  const block = IPV6_BLOCKS.find((b) => inBlock(bytes, b));
  return block ? `${block.name} (${text} in ${blockText(block)})` : undefined;
}

function embedded(form: string, v4bytes: number[], text: string): SpecialUseVerdict {
  const verdict = vetIpv4(v4bytes, v4bytes.join('.'));
  return verdict === undefined ? undefined : `${form} ${verdict} (as ${text})`;
}

function inBlock(bytes: number[], block: Block): boolean {
  if (bytes.length !== block.prefix.length) return false;
  let bits = block.bits;
  for (let i = 0; bits > 0; i += 1, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((bytes[i] ?? 0) & mask) !== ((block.prefix[i] ?? 0) & mask)) return false;
  }
  return true;
}

function blockText(block: Block): string {
  return block.prefix.length === 4
    ? `${block.prefix.join('.')}/${block.bits}`
    : `${formatIpv6(block.prefix)}/${block.bits}`;
}

/** Strict dotted quad: four decimal parts 0-255 without leading zeros (resolvers and WHATWG URL produce this form). */
export function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    bytes.push(value);
  }
  return bytes;
}

/** RFC 4291 §2.2 text forms, including `::` compression and a trailing dotted quad; no zone ids. */
export function parseIpv6(text: string): number[] | undefined {
  if (!/^[0-9a-f:.]+$/i.test(text) || text.length > 45) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i += 1) {
      const piece = pieces[i] ?? '';
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4bytes = parseIpv4(piece);
        if (!v4bytes) return undefined;
        out.push(((v4bytes[0] ?? 0) << 8) | (v4bytes[1] ?? 0), ((v4bytes[2] ?? 0) << 8) | (v4bytes[3] ?? 0));
      } else {
        if (!/^[0-9a-f]{1,4}$/i.test(piece)) return undefined;
        out.push(parseInt(piece, 16));
      }
    }
    return out;
  };
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}

function formatIpv6(bytes: number[]): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

function v4(text: string, bits: number, name: string): Block {
  return { prefix: parseIpv4(text) ?? [], bits, name };
}

function v6(text: string, bits: number, name: string): Block {
  return { prefix: parseIpv6(text) ?? [], bits, name };
}
