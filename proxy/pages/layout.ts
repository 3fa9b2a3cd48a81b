// The one HTML frame shared by the consent page and the error pages: small, readable, no scripts, no external
// resources. hono/html escapes every interpolated value.
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { htmlSecurityHeaders } from '../http/html.ts';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const STYLE = `
  :root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: Canvas; color: CanvasText; }
  main { max-width: 28rem; margin: 1.5rem; padding: 1.75rem 2rem; border: 1px solid color-mix(in srgb, CanvasText 15%, transparent);
         border-radius: 12px; box-shadow: 0 4px 24px color-mix(in srgb, CanvasText 8%, transparent); }
  h1 { font-size: 1.3rem; margin: 0 0 1rem; overflow-wrap: anywhere; }
  p { line-height: 1.5; }
  .host { font-size: 1.15rem; font-weight: 600; word-break: break-all; }
  .uri, code { font-family: ui-monospace, monospace; font-size: .85rem; word-break: break-all; opacity: .8; }
  ul { padding-left: 1.2rem; }
  .actions { display: flex; gap: .75rem; margin-top: 1.5rem; }
  button { flex: 1; font: inherit; padding: .6rem 1rem; border-radius: 8px; cursor: pointer;
           border: 1px solid color-mix(in srgb, CanvasText 25%, transparent); background: Canvas; color: CanvasText; }
  button.primary { background: #2563eb; border-color: #2563eb; color: #fff; }
  .note { font-size: .85rem; opacity: .75; }
  .warning { border-left: 4px solid #d97706; padding: .4rem .75rem; background: color-mix(in srgb, #d97706 12%, transparent); }
  dl { display: grid; grid-template-columns: auto 1fr; gap: .25rem .75rem; font-size: .85rem; }
  dt { opacity: .75; }
  dd { margin: 0; overflow-wrap: anywhere; }
`;

/** A complete page with its security headers; `status` defaults to 200. */
export async function renderPage(title: string, body: Html, status = 200): Promise<Response> {
  const { headers, nonce } = htmlSecurityHeaders();
  const page = await html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${title}</title>
        <style nonce="${nonce}">
          ${raw(STYLE)}
        </style>
      </head>
      <body>
        <main>${body}</main>
      </body>
    </html>`;
  return new Response(page.toString(), { status, headers });
}
