// The mock IdPs' login page: pick a test user (or type one) and "Sign in", or "Cancel" to refuse. Shared by both
// flavors; every value is HTML-escaped and the page refuses to be framed.
import type { ServerResponse } from 'node:http';
import type { MockIdpUser } from '../types.ts';

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

export interface LoginPageInput {
  title: string;
  /** Where the form posts. */
  action: string;
  hidden: Record<string, string>;
  users: MockIdpUser[];
  clientName: string;
  scopes: string;
  error?: string;
}

/** Headers for every HTML page of the mock IdPs. @see https://www.rfc-editor.org/rfc/rfc9700#section-4.16 */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
} as const;

export function renderLoginPage(input: LoginPageInput): string {
  const hidden = Object.entries(input.hidden)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n      ');
  const radios = input.users
    .map(
      (u, i) =>
        `<label><input type="radio" name="user" value="${escapeHtml(u.id)}"${i === 0 ? ' checked' : ''}> ` +
        `${escapeHtml(u.name)} (${escapeHtml(u.login)})</label>`,
    )
    .join('\n        ');
  const error = input.error ? `<p role="alert">${escapeHtml(input.error)}</p>` : '';
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>${escapeHtml(input.title)}</title>
    <style>body{font-family:sans-serif;max-width:28rem;margin:3rem auto}label{display:block;margin:.4rem 0}</style>
  </head>
  <body>
    <h1>${escapeHtml(input.title)}</h1>
    <p><strong>${escapeHtml(input.clientName)}</strong> wants to sign you in (scopes: ${escapeHtml(input.scopes || 'none')}).</p>
    ${error}
    <form method="post" action="${escapeHtml(input.action)}">
      ${hidden}
      <fieldset>
        <legend>Choose a test user</legend>
        ${radios}
      </fieldset>
      <label>Or type a username <input type="text" name="username" autocomplete="off"></label>
      <button type="submit" name="action" value="login">Sign in</button>
      <button type="submit" name="action" value="cancel">Cancel</button>
    </form>
  </body>
</html>`;
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, PAGE_HEADERS);
  res.end(html);
}

/** A plain error page (used where a redirect would be unsafe, e.g. an unknown client). */
export function renderErrorPage(title: string, message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;
}
