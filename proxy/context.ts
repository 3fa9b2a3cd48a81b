// What every endpoint receives: the resolved settings, typed storage, the signing keys and the HMAC keys, all
// prepared once in createOAuthProxy().
import type { Records } from './records.ts';
import type { ProxySettings } from './settings.ts';
import type { SigningKeys } from './tokens/signing-keys.ts';

export interface ProxyContext {
  settings: ProxySettings;
  records: Records;
  keys: SigningKeys;
  /** HMAC key of the consent cookies. */
  cookieKey: Buffer;
  /** HMAC key of the consent form's CSRF tokens. */
  csrfKey: Buffer;
  /** The scopes the proxy requests upstream, shown on the consent page. */
  upstreamScopes: string[];
}
