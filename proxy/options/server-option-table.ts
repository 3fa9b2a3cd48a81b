// Settings of the standalone server (`mcp-oauth-proxy`) that the library does not have: where to listen, which
// storage and keys to build, where to forward MCP traffic, how much to log. Same table shape as PROXY_OPTIONS.
import { httpUrl, integer, oneOf, refuse, secret, text } from './kinds.ts';
import { option, type TableValues } from './option.ts';

/** The storage spec syntax (proxy/storage/create-store.ts); only its shape is checked here, never echoed. */
function storageRule(value: string): void {
  if (value === 'memory' || /^file:./.test(value) || /^rediss?:\/\/./.test(value)) return;
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(value)?.[0];
  refuse(
    `must be "memory", "file:PATH" or "redis://host:port"${scheme ? `, got a value starting with "${scheme}"` : ''}`,
  );
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export const SERVER_OPTIONS = {
  port: option({
    kind: integer(0, 65_535),
    env: 'PORT',
    flag: 'port',
    doc: 'TCP port to listen on; 0 picks a free one (printed in the ready line).',
    default: 8080,
    example: '9090',
    essential: true,
  }),
  host: option({
    kind: text('ADDRESS'),
    env: 'HOST',
    flag: 'host',
    doc: 'Address to bind. Use 0.0.0.0 only behind a TLS-terminating load balancer, with PROXY_BASE_URL set to the public https URL.',
    default: '127.0.0.1',
    example: '::1',
  }),
  storage: option({
    kind: text('SPEC', storageRule),
    env: 'PROXY_STORAGE',
    flag: 'storage',
    doc: '`memory` (one instance, lost on restart), `file:PATH` (one instance, persistent) or `redis://…` (several instances).',
    default: 'memory',
    warning: (value) =>
      value === 'memory'
        ? 'memory storage: clients and grants are lost on restart and not shared between instances'
        : undefined,
    example: 'file:./oauth-data',
    essential: true,
  }),
  signingKey: option({
    kind: secret,
    env: 'PROXY_SIGNING_KEY',
    flag: 'signing-key',
    doc: 'HS256 secret (at least 32 characters) signing the access tokens; also the root of the cookie and storage encryption keys unless those are set.',
    defaultDoc: 'a random key per process (development only: tokens die with the process)',
    example: 'signing-key-signing-key-signing-key-signing',
    essential: true,
  }),
  jwksFile: option({
    kind: text('FILE'),
    env: 'PROXY_JWKS_FILE',
    flag: 'jwks-file',
    doc: 'Private JWKS (ES256/EdDSA; `mcp-oauth-proxy generate-jwks`); the first key signs, the public keys are published at jwks_uri. Needs PROXY_ENCRYPTION_KEY and PROXY_COOKIE_SECRET.',
    example: './jwks.json',
  }),
  encryptionKey: option({
    kind: secret,
    env: 'PROXY_ENCRYPTION_KEY',
    flag: 'encryption-key',
    doc: 'Secret (at least 32 characters) encrypting stored upstream tokens (AES-256-GCM).',
    defaultDoc: 'derived from the HS256 signing secret',
    example: 'encryption-key-encryption-key-encryption-key',
  }),
  mcpUpstream: option({
    kind: httpUrl,
    env: 'PROXY_MCP_UPSTREAM',
    flag: 'mcp-upstream',
    doc: 'Backend MCP server to forward authenticated /mcp traffic to, with the user in `X-MCP-User-*` headers.',
    defaultDoc: 'none: the built-in demo MCP server',
    example: 'http://127.0.0.1:9000/mcp',
    essential: true,
  }),
  logLevel: option({
    kind: oneOf(LOG_LEVELS),
    env: 'LOG_LEVEL',
    flag: 'log-level',
    doc: 'Log level of the JSON logs on stderr (`trace` adds every upstream call and each check).',
    default: 'info',
    example: 'debug',
  }),
};

export type ServerTableOptions = TableValues<typeof SERVER_OPTIONS>;
