// The login pages in a real Chromium driven by Playwright: pick a user, "Sign in", and the flow completes; "Cancel"
// ends in access_denied. Screenshots are kept under test-results/mock-idp/ as artifacts.
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../../conformance/lib/browser/chromium.ts';
import { startMockIdp, type MockIdp } from '../index.ts';
import { basicAuth, pkcePair, postForm, startCallbackCatcher, type CallbackCatcher } from './support.ts';

const ARTIFACTS = 'test-results/mock-idp';

let browser: Browser;
let catcher: CallbackCatcher;
const idps: MockIdp[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch(chromiumLaunchOptions());
});
afterAll(async () => {
  await browser.close();
});
beforeEach(async () => {
  catcher = await startCallbackCatcher();
});
afterEach(async () => {
  await catcher.close();
  await Promise.all(idps.splice(0).map((idp) => idp.close()));
});

async function start(flavor: 'oidc' | 'github'): Promise<MockIdp> {
  const idp = await startMockIdp({ flavor, redirectUris: [catcher.url], strictRedirects: true });
  idps.push(idp);
  return idp;
}

describe('oidc login page in Chromium', () => {
  it('signs bob in through the form and the code exchanges for his tokens', async () => {
    const idp = await start('oidc');
    const { verifier, challenge } = pkcePair();
    const query = new URLSearchParams({
      client_id: idp.client.clientId,
      response_type: 'code',
      scope: idp.client.scopes,
      redirect_uri: catcher.url,
      state: 'browser-state',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const page = await browser.newPage();
    try {
      await page.goto(`${idp.endpoints.authorization}?${query}`);
      await page.getByRole('radio', { name: /Bob Example/ }).check();
      const screenshot = `${ARTIFACTS}/oidc-login-page.png`;
      await page.screenshot({ path: screenshot, fullPage: true });
      expect(existsSync(screenshot)).toBe(true);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Callback received' }).waitFor();
      await page.screenshot({ path: `${ARTIFACTS}/oidc-login-callback.png` });
    } finally {
      await page.close();
    }
    const callback = catcher.received.at(-1)!;
    expect(callback.get('state')).toBe('browser-state');
    const response = await postForm(
      idp.endpoints.token,
      {
        grant_type: 'authorization_code',
        code: callback.get('code')!,
        redirect_uri: catcher.url,
        code_verifier: verifier,
      },
      { authorization: basicAuth(idp.client.clientId, idp.client.clientSecret) },
    );
    const tokens = (await response.json()) as Record<string, string>;
    expect(response.status).toBe(200);
    expect(tokens.refresh_token).toBeTruthy();
    const userinfo = await fetch(idp.endpoints.userinfo, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(((await userinfo.json()) as { sub: string }).sub).toBe('user-bob-0002');
  });

  it('answers access_denied when the user presses Cancel', async () => {
    const idp = await start('oidc');
    const query = new URLSearchParams({
      client_id: idp.client.clientId,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: catcher.url,
      state: 'cancel-state',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
    });
    const page = await browser.newPage();
    try {
      await page.goto(`${idp.endpoints.authorization}?${query}`);
      await page.getByRole('button', { name: 'Cancel' }).click();
      await page.getByRole('heading', { name: 'Callback received' }).waitFor();
    } finally {
      await page.close();
    }
    const callback = catcher.received.at(-1)!;
    expect(callback.get('error')).toBe('access_denied');
    expect(callback.get('state')).toBe('cancel-state');
  });
});

describe('github login page in Chromium', () => {
  it('signs alice in by typing her username', async () => {
    const idp = await start('github');
    const query = new URLSearchParams({ client_id: idp.client.clientId, scope: 'read:user', state: 'gh-state' });
    const page = await browser.newPage();
    try {
      await page.goto(`${idp.endpoints.authorization}?${query}`);
      await page.getByLabel('Or type a username').fill('alice');
      const screenshot = `${ARTIFACTS}/github-login-page.png`;
      await page.screenshot({ path: screenshot, fullPage: true });
      expect(existsSync(screenshot)).toBe(true);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Callback received' }).waitFor();
    } finally {
      await page.close();
    }
    const callback = catcher.received.at(-1)!;
    expect(callback.get('state')).toBe('gh-state');
    const response = await postForm(
      idp.endpoints.token,
      { client_id: idp.client.clientId, client_secret: idp.client.clientSecret, code: callback.get('code')! },
      { accept: 'application/json' },
    );
    const tokens = (await response.json()) as Record<string, string>;
    const user = await fetch(idp.endpoints.userinfo, { headers: { authorization: `token ${tokens.access_token}` } });
    expect(((await user.json()) as { login: string }).login).toBe('alice');
  });

  it('a signed-in browser skips the page for scopes its user authorized, and sees it for new ones', async () => {
    const idp = await start('github');
    const authorizeUrl = (scope: string, state: string) =>
      `${idp.endpoints.authorization}?${new URLSearchParams({ client_id: idp.client.clientId, scope, state })}`;
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(authorizeUrl('read:user', 'first'));
      await page.getByLabel('Or type a username').fill('alice');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Callback received' }).waitFor();
      const session = (await context.cookies(idp.url)).find((c) => c.name === 'user_session');
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

      // The same scopes again: straight back with a code, no page on the IdP's origin.
      const seen: number[] = [];
      page.on('response', (r) => {
        if (r.url().startsWith(idp.url) && r.request().isNavigationRequest()) seen.push(r.status());
      });
      await page.goto(authorizeUrl('read:user', 'second'));
      await page.getByRole('heading', { name: 'Callback received' }).waitFor();
      expect(seen).toEqual([302]);
      expect(catcher.received.at(-1)?.get('state')).toBe('second');
      const code = catcher.received.at(-1)?.get('code');
      const response = await postForm(
        idp.endpoints.token,
        { client_id: idp.client.clientId, client_secret: idp.client.clientSecret, code: code! },
        { accept: 'application/json' },
      );
      const tokens = (await response.json()) as Record<string, string>;
      const user = await fetch(idp.endpoints.userinfo, { headers: { authorization: `token ${tokens.access_token}` } });
      expect(((await user.json()) as { login: string }).login).toBe('alice');

      // A scope the user never authorized: the page again.
      await page.goto(authorizeUrl('read:user repo', 'third'));
      await expect(page.getByRole('button', { name: 'Sign in' }).count()).resolves.toBe(1);
    } finally {
      await context.close();
    }
  });
});
