// A throwaway certificate authority per run, made with node:crypto alone: an ECDSA P-256 CA certificate and a server
// certificate it signs for the names the suite serves documents under. Node has X509Certificate to read certificates
// but nothing to write them, so the few DER structures of RFC 5280 needed here are encoded by hand (a dependency such
// as node-forge would be ten thousand lines for these hundred). The CA's private key never leaves this process and is
// trusted by nothing but the target it is handed to (PROXY_CIMD_CA_FILE), never system-wide.
// @see https://www.rfc-editor.org/rfc/rfc5280#section-4.1
import { createHash, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';

export interface TestCertificates {
  /** The CA certificate, PEM: what the target must trust. */
  caPem: string;
  /** The server certificate, PEM. */
  certPem: string;
  /** The server's private key, PEM (PKCS #8). */
  keyPem: string;
}

/**
 * A CA and one server certificate for `dnsNames` (and `ipAddresses`), valid from an hour ago for `days` days.
 */
export function createTestCertificates(options: {
  dnsNames: string[];
  ipAddresses?: string[];
  days?: number;
  caName?: string;
}): TestCertificates {
  const ca = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const server = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const caName = options.caName ?? `Conformance test CA ${randomBytes(4).toString('hex')}`;
  const notBefore = new Date(Date.now() - 3600_000);
  const notAfter = new Date(Date.now() + (options.days ?? 2) * 86_400_000);
  const caSpki = ca.publicKey.export({ type: 'spki', format: 'der' });
  const caKeyId = keyIdentifier(caSpki);
  const caCert = certificate({
    issuer: caName,
    subject: caName,
    spki: caSpki,
    notBefore,
    notAfter,
    signer: ca.privateKey,
    extensions: [
      extension('2.5.29.19', true, seq(bool(true))),
      extension('2.5.29.15', true, bitString(Buffer.from([0x06]), 1)), // keyCertSign, cRLSign
      extension('2.5.29.14', false, octetString(caKeyId)),
    ],
  });
  const names = [
    ...options.dnsNames.map((n) => tagged(0x82, Buffer.from(n, 'ascii'))),
    ...(options.ipAddresses ?? []).map((ip) => tagged(0x87, ipBytes(ip))),
  ];
  const serverSpki = server.publicKey.export({ type: 'spki', format: 'der' });
  const serverCert = certificate({
    issuer: caName,
    subject: options.dnsNames[0] ?? 'conformance',
    spki: serverSpki,
    notBefore,
    notAfter,
    signer: ca.privateKey,
    extensions: [
      extension('2.5.29.19', true, seq()),
      extension('2.5.29.15', true, bitString(Buffer.from([0x80]), 7)), // digitalSignature
      extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))), // serverAuth
      extension('2.5.29.17', false, seq(...names)),
      extension('2.5.29.14', false, octetString(keyIdentifier(serverSpki))),
      extension('2.5.29.35', false, seq(tagged(0x80, caKeyId))),
    ],
  });
  const result = {
    caPem: pem('CERTIFICATE', caCert),
    certPem: pem('CERTIFICATE', serverCert),
    keyPem: server.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
  // Fail here, not in a TLS handshake later, if an encoding slipped.
  if (!new X509Certificate(result.certPem).verify(new X509Certificate(result.caPem).publicKey)) {
    throw new Error('the generated server certificate does not verify against its CA');
  }
  return result;
}

interface CertificateFields {
  issuer: string;
  subject: string;
  spki: Buffer;
  notBefore: Date;
  notAfter: Date;
  signer: KeyObject;
  extensions: Buffer[];
}

const ECDSA_WITH_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

function certificate(fields: CertificateFields): Buffer {
  const serial = randomBytes(16);
  // Positive, and minimal in DER: a leading 0x00 before a byte below 0x80 is "illegal padding" to OpenSSL.
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;
  const tbs = seq(
    tagged(0xa0, integer(Buffer.from([2]))), // v3
    integer(serial),
    ECDSA_WITH_SHA256,
    name(fields.issuer),
    seq(utcTime(fields.notBefore), utcTime(fields.notAfter)),
    name(fields.subject),
    fields.spki,
    tagged(0xa3, seq(...fields.extensions)),
  );
  const signature = sign('sha256', tbs, fields.signer); // DER-encoded ECDSA signature, as X.509 wants it
  return seq(tbs, ECDSA_WITH_SHA256, bitString(signature, 0));
}

function name(commonName: string): Buffer {
  return seq(set(seq(oid('2.5.4.3'), tagged(0x0c, Buffer.from(commonName, 'utf8')))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [bool(true)] : []), octetString(value));
}

function keyIdentifier(spki: Buffer): Buffer {
  return createHash('sha1').update(spki).digest();
}

// --- DER (X.690) ---

function tagged(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function seq(...items: Buffer[]): Buffer {
  return tagged(0x30, Buffer.concat(items));
}

function set(...items: Buffer[]): Buffer {
  return tagged(0x31, Buffer.concat(items));
}

function integer(bytes: Buffer): Buffer {
  return tagged(0x02, (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function bool(value: boolean): Buffer {
  return tagged(0x01, Buffer.from([value ? 0xff : 0x00]));
}

function octetString(bytes: Buffer): Buffer {
  return tagged(0x04, bytes);
}

function bitString(bytes: Buffer, unusedBits: number): Buffer {
  return tagged(0x03, Buffer.concat([Buffer.from([unusedBits]), bytes]));
}

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const body: number[] = [first * 40 + second];
  for (const arc of rest) {
    const chunk: number[] = [];
    let value = arc;
    do {
      chunk.unshift(value & 0x7f);
      value = Math.floor(value / 128);
    } while (value > 0);
    for (let i = 0; i < chunk.length - 1; i += 1) chunk[i] = (chunk[i] ?? 0) | 0x80;
    body.push(...chunk);
  }
  return tagged(0x06, Buffer.from(body));
}

function utcTime(date: Date): Buffer {
  const iso = date.toISOString(); // 2026-07-28T12:34:56.789Z
  const text = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return tagged(0x17, Buffer.from(text, 'ascii'));
}

function ipBytes(ip: string): Buffer {
  if (ip.includes(':')) {
    const [head = '', tail = ''] = ip.split('::');
    const h = head === '' ? [] : head.split(':');
    const t = tail === '' ? [] : tail.split(':');
    const groups = ip.includes('::') ? [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
    return Buffer.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
  }
  return Buffer.from(ip.split('.').map(Number));
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
