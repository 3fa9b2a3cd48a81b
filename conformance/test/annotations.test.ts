import { describe, expect, it } from 'vitest';
import { definitionAnnotations, readDefinition, readResult, resultAnnotations } from '../lib/model/annotations.ts';
import type { CheckDefinition } from '../lib/model/vocabulary.ts';

const def: CheckDefinition = {
  id: 'DISC-06',
  title: 'issuer is byte-identical',
  level: 'MUST',
  quote: 'The "issuer" value returned MUST be identical to the authorization server\'s issuer identifier value',
  refs: [{ label: 'RFC 8414 §3.3', url: 'https://www.rfc-editor.org/rfc/rfc8414#section-3.3' }],
  revisions: ['2026-07-28'],
};

describe('check annotations', () => {
  it('carry the definition to the reporter, with level and references for a reader', () => {
    const annotations = definitionAnnotations(def);
    expect(readDefinition(annotations)).toEqual(def);
    expect(annotations).toContainEqual({ type: 'level', description: 'MUST' });
    expect(annotations).toContainEqual({ type: 'spec', description: `RFC 8414 §3.3: ${def.refs[0]?.url}` });
  });

  it('carry the result, and show a finding and the notes', () => {
    const result = { outcome: 'fail' as const, message: 'issuer differs', expected: 'a', actual: 'b', notes: ['n'] };
    const annotations = resultAnnotations(result);
    expect(readResult(annotations)).toEqual(result);
    expect(annotations).toContainEqual({ type: 'fail', description: 'issuer differs\nexpected: a\nactual: b' });
    expect(annotations).toContainEqual({ type: 'note', description: 'n' });
    expect(resultAnnotations({ outcome: 'pass', notes: [] })).toHaveLength(1);
  });

  it('say nothing for a test that is not a check or did not finish', () => {
    expect(readDefinition([{ type: 'level', description: 'MUST' }])).toBeUndefined();
    expect(readResult(definitionAnnotations(def))).toBeUndefined();
  });
});
