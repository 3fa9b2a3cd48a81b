// RES-05 / RT-07's judgement of a token issued for a resource the user did not consent to. Ignoring the other
// resource conforms when the token is no broader than what the consented grant already had: a server whose tokens
// name its origin (FastMCP's aud is its base URL) must not fail RT-07 at MUST for what RES-03 judges at SHOULD, while
// a token that names the other resource, or widens the audience, still fails.
import { describe, expect, it } from 'vitest';
import { judgeForeignResourceToken } from '../lib/check/resource-expectations.ts';
import { CheckFailure } from '../lib/model/outcome.ts';
import { Verdict } from '../lib/model/verdict.ts';
import type { HttpResponse } from '../lib/transport/http.ts';

const MCP = 'http://127.0.0.1:8080/mcp';
const ORIGIN = 'http://127.0.0.1:8080';
const OTHER = 'https://other-resource.example/mcp';

function jwt(aud: string | string[]): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ aud, sub: 'user' })}.signature`;
}

function tokenAnswer(accessToken: string): HttpResponse {
  const body = { access_token: accessToken, token_type: 'Bearer', expires_in: 3600 };
  return {
    url: `${ORIGIN}/oauth/token`,
    status: 200,
    headers: new Headers({ 'content-type': 'application/json' }),
    text: JSON.stringify(body),
    json: body,
  };
}

/** The judgement's failure message, or 'conforms'. */
function judge(answer: HttpResponse, consentedToken?: string): string {
  const verdict = new Verdict();
  try {
    judgeForeignResourceToken(verdict, MCP, OTHER, answer, 'MUST', consentedToken);
    return 'conforms';
  } catch (error) {
    if (error instanceof CheckFailure) return error.message;
    throw error;
  }
}

describe('a token requested for another resource', () => {
  it('conforms when the other resource is ignored and the audience is the one the consented grant had', () => {
    expect(judge(tokenAnswer(jwt(ORIGIN)), jwt(ORIGIN))).toBe('conforms');
    expect(judge(tokenAnswer(jwt(MCP)), jwt(MCP))).toBe('conforms');
    expect(judge(tokenAnswer(jwt(MCP)))).toBe('conforms');
  });

  it('fails when the token names the other resource or widens the audience', () => {
    expect(judge(tokenAnswer(jwt(OTHER)), jwt(ORIGIN))).toMatch(/resource the user did not consent to/);
    expect(judge(tokenAnswer(jwt([ORIGIN, 'https://elsewhere.example'])), jwt(ORIGIN))).toMatch(
      /must stay restricted to the consented resource/,
    );
    expect(judge(tokenAnswer(jwt(ORIGIN)), jwt(MCP))).toMatch(/must stay restricted to the consented resource/);
    expect(judge(tokenAnswer(jwt(ORIGIN)))).toMatch(/must stay restricted to the consented resource/);
  });

  it('fails for an opaque token, whose audience nothing shows', () => {
    expect(judge(tokenAnswer('opaque-token'), jwt(MCP))).toMatch(/opaque/);
  });
});
