// Tokens a mock IdP handed out, so tests can assert that a proxy never passes them on to its own clients.
import type { IssuedToken } from '../types.ts';

export class TokenLedger {
  #tokens: IssuedToken[] = [];

  add(token: IssuedToken): void {
    this.#tokens.push(token);
  }

  list(): IssuedToken[] {
    return this.#tokens.map((t) => ({ ...t }));
  }
}
