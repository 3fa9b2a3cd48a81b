// Steps 11 and 13: the token endpoint. Form-encoded POST only, each parameter once; the grant type is checked, the
// client authenticated, and the request handed to its grant. Responses are never cached.
import { authenticateClient } from '../checks/client-authentication.ts';
import type { ProxyContext } from '../context.ts';
import { OAuthError } from '../errors.ts';
import { authorizationCodeGrant } from '../grants/authorization-code-grant.ts';
import { refreshTokenGrant } from '../grants/refresh-token-grant.ts';
import { jsonResponse } from '../http/json.ts';
import { readFormBody, requireParam } from '../http/params.ts';

const GRANTS = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
} as const;

type GrantType = keyof typeof GRANTS;

export async function token(ctx: ProxyContext, request: Request): Promise<Response> {
  const params = await readFormBody(request);
  const grantType = assertSupportedGrantType(requireParam(params, 'grant_type'));
  const client = await authenticateClient(ctx, request, params);
  const body = await GRANTS[grantType](ctx, params, client);
  return jsonResponse(body);
}

/**
 * Only the code grant and refresh exist: no implicit, no password, no client credentials (OAuth 2.1 §10).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
function assertSupportedGrantType(grantType: string): GrantType {
  if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
    throw new OAuthError('unsupported_grant_type', `grant_type ${JSON.stringify(grantType)} is not supported`);
  }
  return grantType;
}
