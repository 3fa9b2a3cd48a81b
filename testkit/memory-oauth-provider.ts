// An in-memory OAuth client provider of the shape both MCP TypeScript SDK generations call (v1's
// `OAuthClientProvider` and v2's): it keeps the client information, tokens, PKCE verifier and discovery state, and
// records every authorization URL for the test to open in Chromium, as a desktop client would open a browser.
// The SDK types are structural, so one class serves both; each test names the SDK's type in `implements`.

export interface MemoryOAuthProviderOptions {
  /** The loopback redirect URI the callback listener answers. */
  redirectUri: string;
  /** `client_name` of the registration (or the metadata document). */
  clientName: string;
  /** The client's metadata document URL (CIMD); unset, the SDK registers dynamically. */
  clientMetadataUrl?: string;
}

export class MemoryOAuthProvider<ClientInfo = unknown, Tokens = unknown, Discovery = never> {
  client?: ClientInfo;
  saved?: Tokens;
  discovery?: Discovery;
  verifier = '';
  /** Every authorization URL the SDK asked the user agent to open, in order. */
  readonly authorizationUrls: URL[] = [];
  readonly clientMetadataUrl?: string;

  constructor(private readonly options: MemoryOAuthProviderOptions) {
    if (options.clientMetadataUrl !== undefined) this.clientMetadataUrl = options.clientMetadataUrl;
  }

  /** The latest authorization URL. */
  get authorizationUrl(): URL | undefined {
    return this.authorizationUrls.at(-1);
  }
  get redirectUrl(): string {
    return this.options.redirectUri;
  }
  get clientMetadata() {
    return {
      client_name: this.options.clientName,
      redirect_uris: [this.options.redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation(): ClientInfo | undefined {
    return this.client;
  }
  saveClientInformation(info: ClientInfo): void {
    this.client = info;
  }
  tokens(): Tokens | undefined {
    return this.saved;
  }
  saveTokens(tokens: Tokens): void {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL): void {
    this.authorizationUrls.push(url);
  }
  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }
  codeVerifier(): string {
    return this.verifier;
  }
  saveDiscoveryState(state: Discovery): void {
    this.discovery = state;
  }
  discoveryState(): Discovery | undefined {
    return this.discovery;
  }
}
