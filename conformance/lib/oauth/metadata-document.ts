// Client ID Metadata Documents from the client's side: publish a document on the suite's document host (through its
// loopback control server), read which of them the target fetched, open probes that count connections, and make
// private_key_jwt client assertions (node:crypto, ES256). A published document's URL is its client_id.
import { createPrivateKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { NotApplicable, NotTestable } from '../model/outcome.ts';
import type { CheckSession } from '../session/check-session.ts';
import type { MetadataDocumentHostInfo, PublishedResponse } from '../target/metadata-document-server.ts';
import { authorizeParams, probeAuthorize } from './authorize-probe.ts';
import { authorizationServerMetadata } from './discovery.ts';
import { randomToken } from './pkce.ts';
import type { RegisteredClient } from './registration.ts';

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The document host, or not testable: documents can only be published where the target can fetch them. */
export function documentHost(session: CheckSession): MetadataDocumentHostInfo {
  const host = session.settings.cimd;
  if (!host) {
    throw new NotTestable(
      'the suite hosts client metadata documents only for targets on this machine (instrumented mode or ' +
        '--target-command); an external target cannot fetch them',
    );
  }
  return host;
}

/**
 * Not applicable unless the authorization server metadata says `client_id_metadata_document_supported: true`
 * (CIMD is a SHOULD; DISC-12 reports its absence).
 */
export async function requireCimdSupport(session: CheckSession): Promise<void> {
  const metadata = await authorizationServerMetadata(session);
  if (metadata.body?.client_id_metadata_document_supported !== true) {
    throw new NotApplicable('the authorization server does not advertise client_id_metadata_document_supported');
  }
}

/** A fresh document path for a check: `/<label>-<random>.json`. */
export function documentPath(label: string, suffix = '.json'): string {
  return `/${label.toLowerCase().replace(/[^a-z0-9-]/g, '-')}-${randomToken(9)}${suffix}`;
}

/** Publishes `response` at `path`; returns the document's URL. */
export async function publish(session: CheckSession, path: string, response: PublishedResponse): Promise<string> {
  const host = documentHost(session);
  // While the target waits for the document that never arrives (CIMD-11, running next to other checks), no check
  // makes it fetch another: a target may fetch one document at a time, and a check must not wait on CIMD-11's.
  if (session.documentHang) await session.untimed(session.documentHang.catch(() => undefined));
  const res = await session.http.request({
    method: 'POST',
    url: `${host.controlUrl}/documents`,
    json: { path, response },
  });
  const url = (res.json as { url?: unknown } | undefined)?.url;
  if (res.status !== 200 || typeof url !== 'string') throw new Error(`publishing ${path} failed: ${res.status}`);
  return url;
}

/** A valid document for `clientId`: the MCP example's shape with this run's redirect URIs, plus `extra`. */
export function documentBody(
  clientId: string,
  redirectUris: string[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    client_id: clientId,
    client_name: `Conformance CIMD Client ${randomToken(4)}`,
    redirect_uris: redirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    ...extra,
  };
}

/**
 * Publishes a valid document (its redirect URI: the worker's callback listener unless `redirectUris` says otherwise)
 * and returns it as a client the flow helpers can use.
 */
export async function documentClient(
  session: CheckSession,
  label: string,
  extra: Record<string, unknown> = {},
  redirectUris?: string[],
): Promise<RegisteredClient> {
  const uris = redirectUris ?? [(await session.callback()).uri()];
  const path = documentPath(label);
  const clientId = urlOf(session, path);
  const body = documentBody(clientId, uris, extra);
  await publish(session, path, { json: body });
  return {
    client_id: clientId,
    redirect_uris: uris,
    token_endpoint_auth_method: String(body.token_endpoint_auth_method),
    raw: body,
  };
}

/** The URL a document published at `path` has. */
export function urlOf(session: CheckSession, path: string): string {
  return `https://${documentHost(session).host}${path}`;
}

/** How many times the target fetched `path` (or anything under it). */
export async function fetchesOf(session: CheckSession, path: string): Promise<number> {
  const host = documentHost(session);
  const res = await session.http.request({ url: `${host.controlUrl}/hits?prefix=${encodeURIComponent(path)}` });
  return Array.isArray(res.json) ? res.json.length : 0;
}

/** Opens a listener on 127.0.0.1 that counts connections; returns its port. */
export async function openProbe(session: CheckSession): Promise<number> {
  const host = documentHost(session);
  const res = await session.http.request({ method: 'POST', url: `${host.controlUrl}/probes` });
  const port = (res.json as { port?: unknown } | undefined)?.port;
  if (typeof port !== 'number') throw new Error(`opening a probe failed: ${res.status}`);
  return port;
}

export async function probeConnections(session: CheckSession, port: number): Promise<number> {
  const host = documentHost(session);
  const res = await session.http.request({ url: `${host.controlUrl}/probes/${port}` });
  return Number((res.json as { connections?: unknown } | undefined)?.connections ?? 0);
}

/** An ES256 key pair for private_key_jwt: the private key, and the public JWK to publish. */
export interface ClientKey {
  privateKey: KeyObject;
  publicJwk: Record<string, unknown>;
  kid: string;
}

export function newClientKey(kid = `k-${randomToken(6)}`): ClientKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    privateKey: createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' })),
    publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' },
    kid,
  };
}

/**
 * A private_key_jwt client assertion (RFC 7523 §3, OIDC Core §9): iss = sub = client_id, aud = the token endpoint,
 * a fresh jti, 60 s lifetime; `claims` overrides any of them, `headerJwk` embeds a public key in the header.
 */
export function clientAssertion(
  key: ClientKey,
  clientId: string,
  audience: string,
  claims: Record<string, unknown> = {},
  headerJwk?: Record<string, unknown>,
): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'ES256', typ: 'JWT', kid: key.kid, ...(headerJwk ? { jwk: headerJwk } : {}) };
  const payload = {
    iss: clientId,
    sub: clientId,
    aud: audience,
    iat: now,
    exp: now + 60,
    jti: randomUUID(),
    ...claims,
  };
  const input = `${b64(header)}.${b64(payload)}`;
  const signature = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * The prerequisite of every check where refusing is the right answer: the target accepts a valid document at
 * /authorize (else a target that refuses every URL client_id would pass them all). Memoised per worker.
 */
export function acceptsValidDocument(session: CheckSession): Promise<void> {
  return session.memo('cimd-baseline', async () => {
    await requireCimdSupport(session);
    const client = await documentClient(session, 'baseline');
    const probe = await probeAuthorize(
      session,
      authorizeParams(session, client.client_id, client.redirect_uris[0]),
      client.redirect_uris[0],
    );
    if (probe.kind !== 'accepted') {
      throw new NotTestable(`the target did not accept a valid client metadata document (${probe.summary})`);
    }
  });
}

/** Whether the token endpoint accepts private_key_jwt (else the assertion checks do not apply). */
export async function requirePrivateKeyJwt(session: CheckSession): Promise<void> {
  const { body } = await authorizationServerMetadata(session);
  const methods = body.token_endpoint_auth_methods_supported;
  if (!Array.isArray(methods) || !methods.includes('private_key_jwt')) {
    throw new NotApplicable('token_endpoint_auth_methods_supported does not list private_key_jwt');
  }
}
