// The page shown instead of a redirect when the client or its redirect URI cannot be trusted, or when a browser step
// (consent form, sign-in callback) fails: "the authorization server SHOULD inform the resource owner of the error and
// MUST NOT automatically redirect the user agent" (RFC 6749 §4.1.2.1). Written for the person in front of the
// browser first: a plain reason, then the technical code and the request id to quote to a developer.
import { html } from 'hono/html';
import type { ProxyContext } from '../context.ts';
import type { OAuthError } from '../errors.ts';
import { renderPage } from './layout.ts';

/** Plain-language fallbacks by error code, for errors thrown without an explanation. */
const EXPLANATIONS: Partial<Record<OAuthError['error'], string>> = {
  invalid_request: 'The application sent a sign-in request this server cannot accept.',
  invalid_client: 'The application that sent you here is not known to this server.',
  access_denied: 'The request was refused.',
  server_error: 'Something went wrong on this server.',
  temporarily_unavailable: 'This server cannot complete sign-ins right now. Please try again in a few minutes.',
};

/** Renders the error with its own HTTP status (a too-large form stays 413) and records it for the access log. */
export function renderErrorPage(ctx: ProxyContext, error: OAuthError): Promise<Response> {
  ctx.outcome.error = error.error;
  const explanation = error.explanation ?? EXPLANATIONS[error.error] ?? 'This sign-in cannot continue.';
  return renderPage(
    'Sign-in stopped',
    html`<h1>This sign-in cannot continue</h1>
      <p>${explanation}</p>
      <p class="note">
        You can close this window and start again from the application. If it keeps happening, give its developer these
        details:
      </p>
      <dl>
        <dt>Error</dt>
        <dd><code>${error.error}</code>${error.errorDescription ? html`: ${error.errorDescription}` : ''}</dd>
        <dt>Request id</dt>
        <dd><code>${ctx.outcome.requestId}</code></dd>
      </dl>`,
    error.status,
  );
}
