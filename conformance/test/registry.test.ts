import { afterEach, describe, expect, it } from 'vitest';
import { clearRegistry, registerCheck, registeredChecks, validateCheckDefinition } from '../lib/model/registry.ts';
import { checkDefinition, REVISIONS, since, type CheckDefinition } from '../lib/model/vocabulary.ts';

const valid: CheckDefinition = {
  id: 'DISC-06',
  title: 'issuer is byte-identical',
  level: 'MUST',
  quote: 'The "issuer" value returned MUST be identical to the authorization server\'s issuer identifier value',
  refs: [{ label: 'RFC 8414 §3.3', url: 'https://www.rfc-editor.org/rfc/rfc8414#section-3.3' }],
  revisions: since('2025-06-18'),
};

describe('check registry', () => {
  afterEach(() => clearRegistry());

  it('accepts a complete definition', () => {
    expect(validateCheckDefinition(valid)).toBe(valid);
  });

  it.each([
    ['a malformed id', { id: 'disc6' }, /does not look like/],
    ['no reference', { refs: [] }, /no spec reference/],
    ['a reference without https URL', { refs: [{ label: 'RFC 8414', url: 'http://x' }] }, /no https URL/],
    ['no revision', { revisions: [] }, /no MCP revision/],
    ['an unknown revision', { revisions: ['2024-01-01'] }, /unknown revision/],
    ['an unknown level', { level: 'MUST NOT' }, /unknown level/],
    ['an empty title', { title: ' ' }, /empty title/],
    ['no quote', { quote: ' ' }, /no quote: add `quote: .*npm run docs:requirements/],
  ])('rejects %s', (_what, patch, message) => {
    expect(() => validateCheckDefinition({ ...valid, ...patch } as CheckDefinition)).toThrow(message);
  });

  it('refuses a second check with the same id', () => {
    registerCheck(valid);
    expect(() => registerCheck({ ...valid, title: 'another' })).toThrow(/duplicate check id DISC-06/);
    expect(registeredChecks()).toHaveLength(1);
  });

  it('accepts ids with a multi-part prefix', () => {
    expect(validateCheckDefinition({ ...valid, id: 'CONSENT-09' }).id).toBe('CONSENT-09');
  });

  it('applies a declaration without revisions to every revision, and keeps declared ones', () => {
    const { revisions: _, ...declaration } = valid;
    expect(checkDefinition(declaration).revisions).toEqual([...REVISIONS]);
    expect(checkDefinition({ ...declaration, revisions: ['2025-06-18'] }).revisions).toEqual(['2025-06-18']);
  });

  it('lists revisions from a given one onward', () => {
    expect(since('2025-11-25')).toEqual(['2025-11-25', '2026-07-28']);
  });
});
