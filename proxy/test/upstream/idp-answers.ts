// Answers in the shape the real IdPs send them, taken from their documentation and trimmed to what matters.
// Token values are fake but keep each IdP's prefix or format (gho_/ghu_/ghr_, ya29., 1//, AADSTS codes).

/** @see https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps */
export const github = {
  tokenJson: {
    access_token: 'gho_16C7e42F292c6912E7710c838347Ae178B4a',
    token_type: 'bearer',
    scope: 'read:user,user:email',
  },
  tokenForm: 'access_token=gho_16C7e42F292c6912E7710c838347Ae178B4a&scope=read%3Auser%2Cuser%3Aemail&token_type=bearer',
  /** "Expiring user tokens" mode. */
  expiringTokenJson: {
    access_token: 'ghu_1A2b3C4d5E6f7G8h9I0j1K2l3M4n5O6p7Q8r',
    expires_in: 28800,
    refresh_token: 'ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498',
    refresh_token_expires_in: 15811200,
    scope: '',
    token_type: 'bearer',
  },
  badVerificationCode: {
    error: 'bad_verification_code',
    error_description: 'The code passed is incorrect or expired.',
    error_uri:
      'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code',
  },
  badVerificationCodeForm:
    'error=bad_verification_code&error_description=The+code+passed+is+incorrect+or+expired.&error_uri=https%3A%2F%2Fdocs.github.com%2Fapps%2Fmanaging-oauth-apps%2Ftroubleshooting-oauth-app-access-token-request-errors%2F%23bad-verification-code',
  incorrectClientCredentials: {
    error: 'incorrect_client_credentials',
    error_description: 'The client_id and/or client_secret passed are incorrect.',
  },
  redirectUriMismatch: {
    error: 'redirect_uri_mismatch',
    error_description: 'The redirect_uri MUST match the registered callback URL for this application.',
  },
  badRefreshToken: {
    error: 'bad_refresh_token',
    error_description: 'The refresh token passed is incorrect or expired.',
  },
  /** @see https://docs.github.com/en/rest/users/users#get-the-authenticated-user */
  user: {
    login: 'octocat',
    id: 583231,
    node_id: 'MDQ6VXNlcjE=',
    avatar_url: 'https://github.com/images/error/octocat_happy.gif',
    type: 'User',
    site_admin: false,
    name: 'The Octocat',
    company: '@github',
    email: 'octocat@github.com' as string | null,
  },
  /** @see https://docs.github.com/en/rest/users/emails#list-email-addresses-for-the-authenticated-user */
  emails: [
    { email: 'old@example.com', verified: true, primary: false, visibility: null },
    { email: 'unverified@example.com', verified: false, primary: false, visibility: null },
    { email: 'octocat@github.com', verified: true, primary: true, visibility: 'private' },
  ],
};

/** @see https://accounts.google.com/.well-known/openid-configuration */
export const google = {
  discovery: {
    issuer: 'https://accounts.google.com',
    authorization_endpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
    device_authorization_endpoint: 'https://oauth2.googleapis.com/device/code',
    token_endpoint: 'https://oauth2.googleapis.com/token',
    userinfo_endpoint: 'https://openidconnect.googleapis.com/v1/userinfo',
    revocation_endpoint: 'https://oauth2.googleapis.com/revoke',
    jwks_uri: 'https://www.googleapis.com/oauth2/v3/certs',
    response_types_supported: ['code', 'token', 'id_token', 'code token', 'code id_token', 'none'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'email', 'profile'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    claims_supported: [
      'aud',
      'email',
      'email_verified',
      'exp',
      'family_name',
      'given_name',
      'iat',
      'iss',
      'name',
      'picture',
      'sub',
    ],
    code_challenge_methods_supported: ['plain', 'S256'],
    grant_types_supported: [
      'authorization_code',
      'refresh_token',
      'urn:ietf:params:oauth:grant-type:device_code',
      'urn:ietf:params:oauth:grant-type:jwt-bearer',
    ],
  },
  /** @see https://developers.google.com/identity/protocols/oauth2/web-server#exchange-authorization-code */
  token: {
    access_token: 'ya29.a0AfB_byC-fake-google-access-token',
    expires_in: 3599,
    refresh_token: '1//0gdTQxWb-fake-google-refresh-token',
    scope: 'openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile',
    token_type: 'Bearer',
    id_token: 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2FjY291bnRzLmdvb2dsZS5jb20ifQ.c2ln',
  },
  /** A refresh answer: Google sends no new refresh token. */
  refreshed: {
    access_token: 'ya29.a0AfB_byD-fake-refreshed-token',
    expires_in: 3599,
    scope: 'openid https://www.googleapis.com/auth/userinfo.email',
    token_type: 'Bearer',
  },
  userinfo: {
    sub: '110169484474386276334',
    name: 'Ada Lovelace',
    given_name: 'Ada',
    family_name: 'Lovelace',
    picture: 'https://lh3.googleusercontent.com/a/fake',
    email: 'ada@example.com',
    email_verified: true,
  },
};

/** @see https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#successful-response-2 */
export const azure = {
  token: {
    token_type: 'Bearer',
    scope: 'openid profile email https://graph.microsoft.com/User.Read',
    expires_in: 3599,
    ext_expires_in: 3599,
    access_token: 'eyJ0eXAiOiJKV1QiLCJub25jZSI6ImZha2UiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiIwMDAwMDAwMyJ9.c2ln',
    refresh_token: '0.AXEAfakeAzureRefreshTokenAQABAAEAAAAm-06blBE1TpVMil8KPQ41',
    id_token: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJ0aWQiOiJmYWtlIn0.c2ln',
  },
  /** @see https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#error-response-1 */
  expiredGrant: {
    error: 'invalid_grant',
    error_description:
      'AADSTS70008: The provided authorization code or refresh token has expired due to inactivity. Trace ID: 0000aaaa-11bb-cccc-dd22-eeeeee333333',
    error_codes: [70008],
    timestamp: '2024-05-01 12:00:00Z',
    trace_id: '0000aaaa-11bb-cccc-dd22-eeeeee333333',
    correlation_id: 'aaaa0000-bb11-2222-33cc-444444dddddd',
  },
  invalidClient: {
    error: 'invalid_client',
    error_description:
      'AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
    error_codes: [7000215],
  },
  /** @see https://learn.microsoft.com/en-us/entra/identity-platform/userinfo#calling-the-api */
  userinfo: {
    sub: 'OLu859SGc2Sr9ZsqbkG-QbeLgJlb41KcdiPoLYNpSFA',
    name: 'Mikah Ollenburg',
    family_name: 'Ollenburg',
    given_name: 'Mikah',
    picture: 'https://graph.microsoft.com/v1.0/me/photo/$value',
    email: 'mikoll@contoso.com',
  },
};

const AUTH0 = 'https://dev-mcp-proxy.us.auth0.com/';

/** @see https://auth0.com/docs/get-started/applications/configure-applications-with-oidc-discovery */
export const auth0 = {
  issuer: AUTH0,
  discovery: {
    issuer: AUTH0,
    authorization_endpoint: `${AUTH0}authorize`,
    token_endpoint: `${AUTH0}oauth/token`,
    device_authorization_endpoint: `${AUTH0}oauth/device/code`,
    userinfo_endpoint: `${AUTH0}userinfo`,
    mfa_challenge_endpoint: `${AUTH0}mfa/challenge`,
    jwks_uri: `${AUTH0}.well-known/jwks.json`,
    registration_endpoint: `${AUTH0}oidc/register`,
    revocation_endpoint: `${AUTH0}oauth/revoke`,
    scopes_supported: ['openid', 'profile', 'offline_access', 'name', 'email', 'email_verified', 'nickname'],
    response_types_supported: [
      'code',
      'token',
      'id_token',
      'code token',
      'code id_token',
      'token id_token',
      'code token id_token',
    ],
    code_challenge_methods_supported: ['S256', 'plain'],
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['public'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    claims_supported: [
      'aud',
      'auth_time',
      'created_at',
      'email',
      'email_verified',
      'exp',
      'iat',
      'identities',
      'iss',
      'name',
      'nickname',
      'phone_number',
      'picture',
      'sub',
    ],
    request_uri_parameter_supported: false,
    request_parameter_supported: false,
    id_token_signing_alg_values_supported: ['HS256', 'RS256', 'PS256'],
    end_session_endpoint: `${AUTH0}oidc/logout`,
  },
  /** @see https://auth0.com/docs/api/authentication#authorization-code-flow-with-pkce44 */
  token: {
    access_token: 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJodHRwczovL2FwaSJ9.c2ln',
    refresh_token: 'v1.MfakeAuth0RefreshTokenR5fQ',
    id_token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhdXRoMHwxMjMifQ.c2ln',
    scope: 'openid profile email offline_access',
    expires_in: 86400,
    token_type: 'Bearer',
  },
  userinfo: {
    sub: 'auth0|64b7f0c2a1e9d3f4b5c6d7e8',
    nickname: 'grace',
    name: 'Grace Hopper',
    picture: 'https://s.gravatar.com/avatar/fake.png',
    updated_at: '2024-05-01T12:00:00.000Z',
    email: 'grace@example.com',
    email_verified: true,
  },
};
