// The consent and sign-in words the suite recognises without a target description, in nine languages, as accessible
// names are computed (leading icons, labels inside spans).
import { describe, expect, it } from 'vitest';
import {
  CONTROL_NAME,
  controlNamesInHtml,
  isApproveName,
  isDenyName,
  isSignInName,
} from '../lib/oauth/consent-words.ts';

describe('consent control names', () => {
  it('recognises approve and deny in en, de, fr, es, pt, it, nl, ja, zh', () => {
    const approve = [
      'Approve',
      'Allow access',
      'Continue',
      'Authorise',
      'Zulassen',
      'Erlauben',
      'Autoriser',
      'Permitir',
      'Autorizar',
      'Aceitar',
      'Consenti',
      'Toestaan',
      '許可',
      '承認する',
      '允许',
      '授权',
      '✓ Allow',
    ];
    const deny = [
      'Deny',
      'Cancel',
      "Don't allow",
      'Ablehnen',
      'Nicht zulassen',
      'Refuser',
      'Ne pas autoriser',
      'Rechazar',
      'Cancelar',
      'Negar',
      'Não permitir',
      'Rifiuta',
      'Annulla',
      'Weigeren',
      '拒否',
      '許可しない',
      'キャンセル',
      '拒绝',
      '不允许',
      '取消',
    ];
    for (const name of approve) expect(isApproveName(name), name).toBe(true);
    for (const name of deny) {
      expect(isDenyName(name), name).toBe(true);
      expect(isApproveName(name), name).toBe(false);
    }
  });

  it("has no quote character in its patterns (Playwright role selectors cannot parse one) and knows ’ from '", () => {
    for (const re of Object.values(CONTROL_NAME)) expect(re.source).not.toMatch(/['"]/);
    expect(isDenyName('Don’t allow')).toBe(true);
  });

  it('tells a sign-in control from an approval', () => {
    for (const name of [
      'Continue with GitHub',
      'Sign in',
      'Log in with Google',
      'Mit GitHub anmelden',
      'Se connecter',
      'Iniciar sesión',
      'ログイン',
      '登录',
      'Weiter mit GitHub',
    ]) {
      expect(isSignInName(name), name).toBe(true);
      expect(isApproveName(name), name).toBe(false);
    }
    expect(isSignInName('Allow')).toBe(false);
    expect(isSignInName('Nothing to see')).toBe(false);
    expect(isDenyName('Nothing to see')).toBe(false);
  });

  it('reads control names from HTML: buttons with spans, submit inputs, role=button, links', () => {
    const html = `<button type="submit"><span class="icon">✓</span> <span>Allow</span></button>
      <input type="submit" value="Refuser"><div role="button" aria-label="Weiter">›</div><a href="/x">Cancel</a>`;
    expect(controlNamesInHtml(html)).toEqual({ buttons: ['✓ Allow', 'Refuser', 'Weiter'], links: ['Cancel'] });
  });
});
