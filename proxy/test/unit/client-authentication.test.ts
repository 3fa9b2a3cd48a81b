import { describe, expect, it } from 'vitest';
import { createTestProxy, exchangeCode, obtainCode, postForm, registerClient } from '../support/test-proxy.ts';

/** RFC 6749 §2.3.1: each part form-urlencoded, here every character percent-encoded to prove decoding. */
function basic(id: string, secret: string): string {
  const encodeAll = (s: string) => [...Buffer.from(s)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  return `Basic ${Buffer.from(`${encodeAll(id)}:${encodeAll(secret)}`).toString('base64')}`;
}

async function confidentialFlow(method: 'client_secret_post' | 'client_secret_basic') {
  const t = await createTestProxy();
  const { body } = await registerClient(t.proxy, { token_endpoint_auth_method: method });
  const flow = await obtainCode(t, { clientId: body.client_id });
  return { t, flow, clientId: body.client_id, secret: body.client_secret! };
}

async function errorOf(response: Response) {
  return { status: response.status, error: ((await response.json()) as { error: string }).error };
}

describe('client authentication at the token endpoint', () => {
  it('accepts client_secret_post', async () => {
    const { t, flow, secret } = await confidentialFlow('client_secret_post');
    expect((await exchangeCode(t, flow, { client_secret: secret })).status).toBe(200);
  });

  it('accepts client_secret_basic with form-encoded credentials', async () => {
    const { t, flow, clientId, secret } = await confidentialFlow('client_secret_basic');
    const response = await postForm(
      t.proxy,
      '/token',
      { grant_type: 'authorization_code', code: flow.code, code_verifier: flow.verifier },
      { Authorization: basic(clientId, secret) },
    );
    expect(response.status).toBe(200);
  });

  it('answers a wrong Basic secret with 401 invalid_client and a Basic challenge', async () => {
    const { t, flow, clientId } = await confidentialFlow('client_secret_basic');
    const response = await postForm(
      t.proxy,
      '/token',
      { grant_type: 'authorization_code', code: flow.code, code_verifier: flow.verifier },
      { Authorization: basic(clientId, 'wrong') },
    );
    expect(await errorOf(response)).toEqual({ status: 401, error: 'invalid_client' });
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="/);
  });

  it.each([
    ['a wrong posted secret', { client_secret: 'wrong' }],
    ['no secret at all', {}],
  ])('answers %s from a confidential client with 401 invalid_client', async (_name, extra) => {
    const { t, flow } = await confidentialFlow('client_secret_post');
    expect(await errorOf(await exchangeCode(t, flow, extra))).toEqual({ status: 401, error: 'invalid_client' });
  });

  it('refuses a secret from a public client', async () => {
    const t = await createTestProxy();
    const flow = await obtainCode(t);
    const response = await exchangeCode(t, flow, { client_secret: 'anything' });
    expect(await errorOf(response)).toEqual({ status: 401, error: 'invalid_client' });
  });

  it('refuses an unknown client and a missing client_id with 401 invalid_client', async () => {
    const t = await createTestProxy();
    for (const clientId of ['nobody', undefined]) {
      const response = await postForm(t.proxy, '/token', {
        grant_type: 'authorization_code',
        code: 'x',
        client_id: clientId,
      });
      expect(await errorOf(response)).toEqual({ status: 401, error: 'invalid_client' });
    }
  });

  it('refuses two authentication methods in one request', async () => {
    const { t, flow, clientId, secret } = await confidentialFlow('client_secret_basic');
    const response = await postForm(
      t.proxy,
      '/token',
      { grant_type: 'authorization_code', code: flow.code, code_verifier: flow.verifier, client_secret: secret },
      { Authorization: basic(clientId, secret) },
    );
    expect(await errorOf(response)).toEqual({ status: 400, error: 'invalid_request' });
  });

  it('refuses malformed Basic credentials with 401', async () => {
    const t = await createTestProxy();
    for (const header of ['Basic !!!', `Basic ${Buffer.from('no-colon').toString('base64')}`, 'Basic JTZ6OnN4']) {
      const response = await postForm(
        t.proxy,
        '/token',
        { grant_type: 'authorization_code', code: 'x' },
        {
          Authorization: header,
        },
      );
      expect(await errorOf(response)).toEqual({ status: 401, error: 'invalid_client' });
    }
  });
});
