// The browserless /authorize probe: sent as a navigation (a server may rightly answer a script's fetch() otherwise),
// and classified by what a user agent would do with the answer. A 5xx is never a refusal, and a 2xx page the suite
// cannot read is "unclassified", never taken for a refusal either.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyAuthorizeAnswer } from '../lib/oauth/authorize-probe.ts';
import { HttpClient, type HttpResponse } from '../lib/transport/http.ts';

const AUTHORIZE = 'http://127.0.0.1:9/authorize?client_id=c';
const CLIENT = 'http://127.0.0.1:7/callback';

function answer(status: number, text: string, headers: Record<string, string> = {}): HttpResponse {
  return { url: AUTHORIZE, status, headers: new Headers(headers), text, json: undefined };
}

describe('classifying an /authorize answer', () => {
  it('follows a JSON {redirect,url} answer (a server that took the request for a fetch)', () => {
    const probe = classifyAuthorizeAnswer(
      answer(200, '{"redirect":true,"url":"/sign-in?x=1"}', { 'content-type': 'application/json' }),
      AUTHORIZE,
      CLIENT,
    );
    expect(probe).toMatchObject({ kind: 'accepted', by: 'json' });
    expect(probe.location?.pathname).toBe('/sign-in');
  });

  it('reads an error response delivered by meta refresh or an auto-submitting form', () => {
    const meta = classifyAuthorizeAnswer(
      answer(200, `<meta http-equiv="refresh" content="0;url=${CLIENT}?error=invalid_request&amp;state=s1">`, {
        'content-type': 'text/html',
      }),
      AUTHORIZE,
      CLIENT,
    );
    expect(meta).toMatchObject({ kind: 'error_redirect', error: 'invalid_request', by: 'meta-refresh' });
    expect(meta.params?.get('state')).toBe('s1');
    const form = classifyAuthorizeAnswer(
      answer(
        200,
        `<body onload="document.forms[0].submit()"><form method="post" action="${CLIENT}"><input type="hidden" name="error" value="access_denied"><input type="hidden" name="state" value="s2"><noscript><button>Continue</button></noscript></form></body>`,
        { 'content-type': 'text/html' },
      ),
      AUTHORIZE,
      CLIENT,
    );
    expect(form).toMatchObject({ kind: 'error_redirect', error: 'access_denied', by: 'form' });
    expect(form.params?.get('state')).toBe('s2');
  });

  it("takes a redirect to the proxy's own error page for an error page, and reads errors in the fragment", () => {
    const own = classifyAuthorizeAnswer(
      answer(302, '', { location: '/api/auth/error?error=invalid_redirect' }),
      AUTHORIZE,
      CLIENT,
    );
    expect(own).toMatchObject({ kind: 'error_page', error: 'invalid_redirect' });
    const fragment = classifyAuthorizeAnswer(
      answer(302, '', { location: `${CLIENT}#error=unsupported_response_type&state=s3` }),
      AUTHORIZE,
      CLIENT,
    );
    expect(fragment).toMatchObject({ kind: 'error_redirect', error: 'unsupported_response_type' });
    expect(fragment.params?.get('state')).toBe('s3');
  });

  it('takes a consent or sign-in page for acceptance, in other languages too', () => {
    const consent =
      '<form><button name="d" value="no">Ablehnen</button><button name="d" value="yes">Zulassen</button></form>';
    expect(classifyAuthorizeAnswer(answer(200, consent), AUTHORIZE, CLIENT).kind).toBe('accepted');
    const signIn = '<h1>Sign in</h1><button type="button" id="go">Continue with GitHub</button><script>x()</script>';
    expect(classifyAuthorizeAnswer(answer(200, signIn), AUTHORIZE, CLIENT).kind).toBe('accepted');
  });

  it('never takes a 5xx or an unreadable 2xx page for a refusal', () => {
    expect(classifyAuthorizeAnswer(answer(500, 'Internal Server Error'), AUTHORIZE, CLIENT).kind).toBe('server_error');
    expect(classifyAuthorizeAnswer(answer(200, '<div id="app"></div>'), AUTHORIZE, CLIENT).kind).toBe('unclassified');
    expect(
      classifyAuthorizeAnswer(answer(200, '<h1>Fehler</h1><p>Ungültige Anfrage</p>'), AUTHORIZE, CLIENT).kind,
    ).toBe('error_page');
    expect(classifyAuthorizeAnswer(answer(400, '{"error":"invalid_request"}'), AUTHORIZE, CLIENT).kind).toBe(
      'error_page',
    );
  });
});

describe('the probe request', () => {
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer((req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.headers)),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/authorize`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is a navigation: sec-fetch-mode navigate, sec-fetch-dest document, accept text/html', async () => {
    const res = await new HttpClient(5000).request({ url, navigation: true });
    expect(res.json).toMatchObject({
      'sec-fetch-mode': 'navigate',
      'sec-fetch-dest': 'document',
      accept: expect.stringMatching(/^text\/html/),
    });
  });
});
