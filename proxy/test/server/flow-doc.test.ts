// docs/flow.md carries a sequence diagram recorded from a real run; it must still match what the code does.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { recordFlow, withGeneratedSection } from '../../../scripts/record-flow.ts';

describe('docs/flow.md', () => {
  it('shows the sequence that a real run of the proxy against the GitHub-style mock produces (a CIMD client)', async () => {
    const doc = readFileSync('docs/flow.md', 'utf8');
    const diagram = await recordFlow();
    expect(diagram).toContain('Proxy->>IdP: POST /login/oauth/access_token (authorization_code)');
    expect(diagram).toContain('Proxy->>Doc: GET /oauth/client.json');
    expect(diagram).not.toContain('POST /register');
    expect(withGeneratedSection(doc, diagram), 'run: npx tsx scripts/record-flow.ts').toBe(doc);
  });
});
