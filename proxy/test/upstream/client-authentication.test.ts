// RFC 6749 §2.3.1 client_secret_basic: id and secret are form-encoded before base64.
import { describe, expect, it } from 'vitest';
import { addClientCredentials, basicAuthorization } from '../../upstream/client-authentication.ts';

const decode = (header: string) => Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8');

describe('RFC 6749 §2.3.1 client authentication', () => {
  it('produces the RFC 6749 §2.3.1 example header for plain credentials', () => {
    expect(basicAuthorization({ clientId: 's6BhdRkqt3', clientSecret: '7Fjfp0ZBr1KtDRbnfZdmIw' })).toBe(
      'Basic czZCaGRSa3F0Mzo3RmpmcDBaQnIxS3REUmJuZlpkbUl3',
    );
  });

  it('form-encodes id and secret before base64, so a colon in the secret stays unambiguous', () => {
    const header = basicAuthorization({ clientId: 'app:1', clientSecret: 'a+b:c%d é/~' });
    expect(decode(header)).toBe('app%3A1:a%2Bb%3Ac%25d+%C3%A9%2F%7E');
  });

  it('puts credentials in the header for client_secret_basic and nowhere in the form', () => {
    const form = new URLSearchParams({ grant_type: 'refresh_token' });
    const headers: Record<string, string> = {};
    addClientCredentials('client_secret_basic', { clientId: 'id', clientSecret: 'secret' }, form, headers);
    expect(headers.authorization).toBe(`Basic ${Buffer.from('id:secret').toString('base64')}`);
    expect(form.has('client_secret')).toBe(false);
    expect(form.has('client_id')).toBe(false);
  });

  it('puts credentials in the form for client_secret_post and sends no Authorization header', () => {
    const form = new URLSearchParams();
    const headers: Record<string, string> = {};
    addClientCredentials('client_secret_post', { clientId: 'id', clientSecret: 'secret' }, form, headers);
    expect(Object.fromEntries(form)).toEqual({ client_id: 'id', client_secret: 'secret' });
    expect(headers).toEqual({});
  });
});
