// The library entry point: build the proxy with createOAuthProxy() and mount its app or its bearer check.
export { createOAuthProxy, type OAuthProxy, type ProxyEnv } from './app.ts';
export type { AuthInfo, ConsentMode, JsonWebKeyWithKid, McpHandler, ProxyOptions, SigningOptions } from './options.ts';
export { OAuthError, type OAuthErrorCode, type OAuthErrorOptions } from './errors.ts';
export type { BearerVariables } from './tokens/bearer-check.ts';
