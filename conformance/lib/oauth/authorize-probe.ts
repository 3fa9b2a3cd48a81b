// One GET of the authorization endpoint without a browser, classified: did the proxy accept the request (consent
// page or onward redirect), redirect an error to the client, or stop with an error page?
import type { CheckSession } from '../session/check-session.ts';
import { buildAuthorizeUrl } from './authorize-url.ts';
import { newVerifier, randomToken, s256 } from './pkce.ts';

export type ProbeKind = 'accepted' | 'error_redirect' | 'redirect_to_uri' | 'error_page';

export interface Probe {
  kind: ProbeKind;
  /** The HTTP status of the answer. */
  status: number;
  location?: URL;
  /** `error` of an error redirect. */
  error?: string;
  summary: string;
}

/** A consent page is recognised by an approve-like button; anything else with 2xx is treated as an error page. */
const CONSENT_BUTTON = /<(button|input)\b[^>]*>[^<]*\b(approve|allow|authori[sz]e|accept|grant|consent)\b/i;

export async function probeAuthorize(
  session: CheckSession,
  params: Record<string, string | undefined> | [string, string][],
  redirectUri?: string,
): Promise<Probe> {
  let url: string;
  if (Array.isArray(params)) {
    const u = new URL(await buildAuthorizeUrl(session, {}));
    for (const [k, v] of params) u.searchParams.append(k, v);
    url = u.toString();
  } else {
    url = await buildAuthorizeUrl(session, params);
  }
  const response = await session.http.request({ url });
  const rawLocation = response.headers.get('location');
  if (response.status >= 300 && response.status < 400 && rawLocation) {
    const location = new URL(rawLocation, url);
    const error = location.searchParams.get('error') ?? undefined;
    const toUri = redirectUri !== undefined && location.toString().startsWith(redirectUri.split('#')[0] ?? redirectUri);
    const kind: ProbeKind = toUri
      ? error
        ? 'error_redirect'
        : 'redirect_to_uri'
      : error
        ? 'error_redirect'
        : 'accepted';
    return {
      kind,
      status: response.status,
      location,
      ...(error ? { error } : {}),
      summary: `${response.status} → ${location.origin}${location.pathname}${error ? ` error=${error}` : ''}`,
    };
  }
  if (response.status >= 200 && response.status < 300 && CONSENT_BUTTON.test(response.text)) {
    return { kind: 'accepted', status: response.status, summary: `${response.status} consent page` };
  }
  return {
    kind: 'error_page',
    status: response.status,
    summary: `${response.status} page: ${response.text
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 120)}`,
  };
}

/** A well-formed authorization request for `clientId` and `redirectUri`, with overrides. */
export function authorizeParams(
  session: CheckSession,
  clientId: string,
  redirectUri: string | undefined,
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    state: randomToken(),
    code_challenge: s256(newVerifier()),
    code_challenge_method: 'S256',
    resource: session.settings.mcp,
    ...overrides,
  };
}
