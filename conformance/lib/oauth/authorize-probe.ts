// One GET of the authorization endpoint without a browser, sent as a browser's navigation and classified: did the
// proxy accept the request (a consent or sign-in page, or an onward redirect), send an error back to the client,
// stop with an error page, or fail with a 5xx? An answer that is none of these ("unclassified") is never taken for a
// refusal: the checks then say they cannot tell.
import { NotTestable } from '../model/outcome.ts';
import type { CheckSession } from '../session/check-session.ts';
import type { HttpResponse } from '../transport/http.ts';
import { buildAuthorizeUrl } from './authorize-url.ts';
import { controlNamesInHtml, isApproveName, isDenyName, isSignInName } from './consent-words.ts';
import { onwardOf, responseParams, type Onward } from './onward.ts';
import { newVerifier, randomToken, s256 } from './pkce.ts';
import { sharedClient } from './registration.ts';

export type ProbeKind =
  /** A consent or sign-in page, or a redirect onward (to the upstream, a sign-in page): the request was accepted. */
  | 'accepted'
  /** An error sent back to the client's redirect URI (or, without one, a redirect carrying `error`). */
  | 'error_redirect'
  /** A redirect to the client's redirect URI without an error (a code, or nothing). */
  | 'redirect_to_uri'
  /** A 4xx page, or a 2xx page that says it is an error: the request stopped at the proxy. */
  | 'error_page'
  /** A 5xx: the proxy failed (a finding of its own, never a refusal). */
  | 'server_error'
  /** A 2xx answer with no consent or sign-in control, no onward hop and no error wording. */
  | 'unclassified';

export interface Probe {
  kind: ProbeKind;
  /** The HTTP status of the answer. */
  status: number;
  /** Where the answer sends the user agent (Location, meta refresh, auto-submitting form, JSON). */
  location?: URL;
  /** How the next hop was given, when not by a 3xx Location. */
  by?: Onward['by'];
  /** Parameters of the authorization response carried by the next hop. */
  params?: URLSearchParams;
  /** `error` of an error redirect. */
  error?: string;
  summary: string;
}

/** Words of an error page in the languages the consent words cover. */
const ERROR_WORDS =
  /\b(error|invalid|not registered|unknown client|not allowed|forbidden|bad request|mismatch|fehler|ungültig|erreur|invalide|inválid[oa]|errore|non valid[oa]|fout|ongeldig)\b|エラー|错误|錯誤|无效/i;

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
  const response = await session.http.request({ url, navigation: true });
  return classifyAuthorizeAnswer(response, url, redirectUri);
}

/** Classifies an answer of the authorization endpoint (exported for tests against loopback servers). */
export function classifyAuthorizeAnswer(response: HttpResponse, url: string, redirectUri?: string): Probe {
  const status = response.status;
  if (status >= 500) return { kind: 'server_error', status, summary: `${status} ${snippet(response.text)}` };
  const onward = onwardOf({ status, header: (name) => response.headers.get(name), text: response.text }, url);
  if (onward) {
    const location = onward.url;
    const params = withFragmentParams(responseParams(onward), location);
    const error = params.get('error') ?? undefined;
    const clientBase = redirectUri?.split('#')[0];
    const toUri = clientBase !== undefined && clientBase !== '' && location.toString().startsWith(clientBase);
    // An error the proxy shows on its own origin (a redirect to its error page) stops the request at the proxy: an
    // error page, not an error sent to the client.
    if (error && !toUri && location.origin === new URL(url).origin) {
      return {
        kind: 'error_page',
        status,
        location,
        params,
        error,
        summary: `${status} → the proxy's own error page ${location.pathname} error=${error}`,
      };
    }
    const kind: ProbeKind = error ? 'error_redirect' : toUri ? 'redirect_to_uri' : 'accepted';
    const how = onward.by === 'location' ? `${status} →` : `${status} (${onward.by}) →`;
    return {
      kind,
      status,
      location,
      params,
      ...(onward.by !== 'location' ? { by: onward.by } : {}),
      ...(error ? { error } : {}),
      summary: `${how} ${location.origin}${location.pathname}${error ? ` error=${error}` : ''}`,
    };
  }
  const { buttons, links } = controlNamesInHtml(response.text);
  const controls = [...buttons, ...links];
  if (status < 400 && controls.some((n) => isApproveName(n) || isSignInName(n))) {
    const what = controls.some(isApproveName) && controls.some(isDenyName) ? 'consent page' : 'sign-in or consent page';
    return { kind: 'accepted', status, summary: `${status} ${what}` };
  }
  if (status >= 400 || ERROR_WORDS.test(pageText(response.text))) {
    return { kind: 'error_page', status, summary: `${status} page: ${snippet(response.text)}` };
  }
  return {
    kind: 'unclassified',
    status,
    summary: `${status} page without consent controls or error: ${snippet(response.text)}`,
  };
}

/**
 * Parameters in the fragment too: RFC 6749 §4.2.2.1 returns the errors of a response_type=token request in the
 * fragment, and a server may answer an unsupported response type so. The query wins where both name a parameter.
 */
function withFragmentParams(params: URLSearchParams, location: URL): URLSearchParams {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  if (!location.hash.includes('=')) return params;
  const merged = new URLSearchParams(params);
  for (const [k, v] of fragment) if (!merged.has(k)) merged.append(k, v);
  return merged;
}

function pageText(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function snippet(text: string): string {
  return pageText(text).slice(0, 120);
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

/**
 * The positive control of every negative /authorize probe: a well-formed request of the worker's shared client
 * must be accepted, or a refusal proves nothing (a proxy that refuses everything, or answers in a way the suite
 * cannot read, would pass every negative check). Memoised per worker; throws NotTestable when it is not accepted.
 */
export function requireAcceptedControl(session: CheckSession): Promise<Probe> {
  return session.memo('authorize-control', async () => {
    const client = await sharedClient(session);
    const cb = (await session.callback()).uri();
    const probe = await probeAuthorize(session, authorizeParams(session, client.client_id, cb), cb);
    if (probe.kind !== 'accepted') {
      throw new NotTestable(`a well-formed authorization request was not accepted either (${probe.summary})`, {
        key: 'authorize-control',
        summary: `a well-formed authorization request is not accepted (${probe.summary}): the /authorize refusals prove nothing`,
      });
    }
    return probe;
  });
}
