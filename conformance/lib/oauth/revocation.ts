// Token revocation (RFC 7009) from the client's side, authenticated like a token request.
import type { CheckSession } from '../session/check-session.ts';
import type { HttpResponse } from '../transport/http.ts';
import { endpoint } from './discovery.ts';
import type { RegisteredClient } from './registration.ts';
import { clientAuth } from './token.ts';

export async function revokeToken(
  session: CheckSession,
  client: RegisteredClient,
  token: string,
  hint?: string,
): Promise<HttpResponse> {
  const url = await endpoint(session, 'revocation_endpoint');
  const auth = clientAuth(client);
  return session.http.request({
    method: 'POST',
    url,
    form: { token, token_type_hint: hint, ...auth.form },
    headers: auth.headers,
  });
}
