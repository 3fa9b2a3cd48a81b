// The kinds of client a target offers at its token endpoint, discovered rather than assumed: the metadata's
// token_endpoint_auth_methods_supported (RFC 8414 §2: absent means client_secret_basic) says what it claims, and a
// registration asking for each method says what a client can actually get. The per-client-type checks
// (client-types.check.ts) run every rule for every type found here; a type the target does not offer is skipped.
import type { CheckSession } from '../session/check-session.ts';
import { authorizationServerMetadata } from './discovery.ts';
import { postRegistration, publicClientMetadata, type RegisteredClient } from './registration.ts';
import { jsonObject } from '../transport/http.ts';

/** The token endpoint authentication methods of clients holding no key: public, and the two secret methods. */
export const CLIENT_TYPES = ['none', 'client_secret_basic', 'client_secret_post'] as const;
export type ClientType = (typeof CLIENT_TYPES)[number];

export interface OfferedClientType {
  type: ClientType;
  /** Two clients of this type (A and B), for the binding rules. */
  a: RegisteredClient;
  b: RegisteredClient;
}

export interface ClientTypeSurvey {
  offered: OfferedClientType[];
  /** Why each type that is not offered is not (not advertised, registration refused or answered another method). */
  notOffered: string[];
}

/**
 * Every client type the target offers, with two registered clients each (memoised per worker). A type counts as
 * offered when the metadata lists its method and a registration asking for it is answered 201 with that method in
 * force (and, for the secret methods, a client_secret).
 */
export function offeredClientTypes(session: CheckSession): Promise<ClientTypeSurvey> {
  return session.memo('client-types', async () => {
    const { body } = await authorizationServerMetadata(session);
    const listed = Array.isArray(body.token_endpoint_auth_methods_supported)
      ? (body.token_endpoint_auth_methods_supported as unknown[])
      : ['client_secret_basic'];
    const survey: ClientTypeSurvey = { offered: [], notOffered: [] };
    const callback = await session.callback();
    for (const type of CLIENT_TYPES) {
      if (!listed.includes(type)) {
        survey.notOffered.push(`${type}: not in token_endpoint_auth_methods_supported`);
        continue;
      }
      const a = await registerAs(session, type, [callback.uri()]);
      if (typeof a === 'string') {
        survey.notOffered.push(`${type}: ${a}`);
        continue;
      }
      const b = await registerAs(session, type, [callback.uri()]);
      if (typeof b === 'string') {
        survey.notOffered.push(`${type}: second client ${b}`);
        continue;
      }
      survey.offered.push({ type, a, b });
    }
    return survey;
  });
}

/** Registers a client asking for `type`; a string says why that did not give a client of that type. */
async function registerAs(
  session: CheckSession,
  type: ClientType,
  redirectUris: string[],
): Promise<RegisteredClient | string> {
  const res = await postRegistration(session, publicClientMetadata(redirectUris, { token_endpoint_auth_method: type }));
  const body = jsonObject(res);
  if (res.status !== 201 || typeof body?.client_id !== 'string') return `registration refused (${res.status})`;
  // RFC 7591 §3.2.1: the response carries the metadata in force; a missing member leaves the requested method.
  const inForce = typeof body.token_endpoint_auth_method === 'string' ? body.token_endpoint_auth_method : type;
  if (inForce !== type) return `registration answered token_endpoint_auth_method ${inForce}`;
  const secret = typeof body.client_secret === 'string' ? body.client_secret : undefined;
  if (type !== 'none' && !secret) return 'registration issued no client_secret';
  return {
    client_id: body.client_id,
    ...(secret && type !== 'none' ? { client_secret: secret } : {}),
    redirect_uris: Array.isArray(body.redirect_uris) ? (body.redirect_uris as string[]) : redirectUris,
    token_endpoint_auth_method: type,
    raw: body,
  };
}
