// --grep selects checks by "<ID> <title>", so the anchored form the CLI documents works.
import { describe, expect, it } from 'vitest';
import { isSelected, parseGrep } from '../lib/model/selection.ts';

const pkce = { id: 'PKCE-05', title: 'a missing code_verifier is refused' };
const code = { id: 'CODE-01', title: 'a code can be redeemed only once (PKCE-05 elsewhere)' };

describe('check selection', () => {
  it('matches anchored patterns against "<ID> <title>"', () => {
    expect(isSelected(pkce, '^PKCE-')).toBe(true);
    expect(isSelected(code, '^PKCE-')).toBe(false);
    expect(isSelected(pkce, '^(DISC|PKCE)-0[1-5] ')).toBe(true);
    expect(isSelected(pkce, 'missing code_verifier')).toBe(true);
    expect(isSelected(pkce, undefined)).toBe(true);
  });

  it('refuses a pattern that is not a regular expression', () => {
    expect(() => parseGrep('^(PKCE')).toThrow(/not a regular expression/);
  });
});
