// The option tables are the single description of every setting: each option must travel the same way from a flag,
// an environment variable and a config file, reach the library with its value, and appear in --help and the README
// tables exactly as the table describes it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OPTION_DOCS, regenerated } from '../../../scripts/options-doc.ts';
import { defaultText } from '../../options/help.ts';
import type { OptionSpec } from '../../options/option.ts';
import { PROXY_OPTIONS } from '../../options/proxy-option-table.ts';
import { loadServerConfig, OPTION_SECTIONS, type ServerConfig } from '../../server/config.ts';
import { createTestProxy } from '../support/test-proxy.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const UPSTREAM = {
  UPSTREAM_CLIENT_ID: 'id',
  UPSTREAM_CLIENT_SECRET: 'secret',
  UPSTREAM_AUTHORIZATION_ENDPOINT: 'https://idp.example.com/authorize',
  UPSTREAM_TOKEN_ENDPOINT: 'https://idp.example.com/token',
  UPSTREAM_USERINFO_ENDPOINT: 'https://idp.example.com/userinfo',
};

const rows = OPTION_SECTIONS.flatMap(({ title, table }) =>
  (Object.entries(table) as [string, OptionSpec<unknown>][]).map(([key, spec]) => ({ title, key, spec })),
);

/** Where loadServerConfig puts a value of each section. */
function valueIn(config: ServerConfig, title: string, key: string): unknown {
  const section = title === 'Proxy' ? config.proxy : title === 'Server' ? config.server : config.upstream;
  return (section as Record<string, unknown>)[key];
}

describe('the option tables', () => {
  it('give every option a distinct variable and flag', () => {
    const envs = rows.map((r) => r.spec.env);
    const flags = rows.map((r) => r.spec.flag);
    expect(new Set(envs).size).toBe(envs.length);
    expect(new Set(flags).size).toBe(flags.length);
  });

  it.each(rows)('reads $key from its flag, its variable and a config file alike', ({ title, key, spec }) => {
    const expected = spec.kind.fromText(spec.example);
    const env = Object.fromEntries(Object.entries(UPSTREAM).filter(([name]) => name !== spec.env));
    const dir = mkdtempSync(join(tmpdir(), 'options-'));
    const file = join(dir, 'proxy.json');
    writeFileSync(file, JSON.stringify({ [spec.env]: spec.example }));
    const viaFlag = loadServerConfig({ [spec.flag]: spec.example }, env);
    const viaEnv = loadServerConfig({}, { ...env, [spec.env]: spec.example });
    const viaFile = loadServerConfig({ config: file }, env);
    for (const config of [viaFlag, viaEnv, viaFile]) expect(valueIn(config, title, key)).toEqual(expected);
    writeFileSync(file, JSON.stringify({ [key]: spec.example }));
    expect(valueIn(loadServerConfig({ config: file }, env), title, key)).toEqual(expected);
  });

  it('takes an empty list variable as "none" (PROXY_SCOPES= turns scopes off), and other empty variables as unset', () => {
    const none = loadServerConfig({}, { ...UPSTREAM, PROXY_SCOPES: '', PROXY_ACCESS_TOKEN_TTL: '' });
    expect(none.proxy.scopesSupported).toEqual([]);
    expect(none.proxy.accessTokenTtlSeconds).toBeUndefined();
    expect(loadServerConfig({}, UPSTREAM).proxy.scopesSupported).toBeUndefined();
  });

  it.each(Object.entries(PROXY_OPTIONS).filter(([key]) => key !== 'baseUrl'))(
    'hands proxy option %s to the library, which keeps it',
    async (key, spec) => {
      const value = (spec as OptionSpec<unknown>).kind.fromText(spec.example);
      const { proxy } = await createTestProxy({ [key]: value } as never);
      expect(proxy).toBeDefined();
      await proxy.close();
    },
  );

  it.each(rows.filter((r) => r.spec.default !== undefined))(
    'documents the default of $key as the value the library or server applies',
    ({ title, key, spec }) => {
      const config = loadServerConfig({}, UPSTREAM);
      if (title === 'Server') expect(valueIn(config, title, key)).toEqual(spec.default);
      expect(defaultText(spec)).toContain(spec.kind.toText(spec.default as never));
    },
  );
});

describe('mcp-oauth-proxy --help', () => {
  const help = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'proxy/server/cli.ts'), '--help'], {
    encoding: 'utf8',
  });

  it.each(rows)('lists $spec.env with its flag and its default', ({ spec }) => {
    const line = help.split('\n').find((l) => l.includes(`--${spec.flag} `));
    expect(line).toContain(spec.env);
    expect(help.replace(/\s+/g, ' ')).toContain(`Default: ${defaultText(spec).replaceAll('`', '')}.`);
  });
});

describe('the README option tables', () => {
  it.each(OPTION_DOCS)('$file is what `npm run docs:options` writes', (doc) => {
    expect(readFileSync(join(ROOT, doc.file), 'utf8')).toBe(regenerated(ROOT, doc));
  });

  it('names every option of the tables in proxy/README.md', () => {
    const readme = readFileSync(join(ROOT, 'proxy/README.md'), 'utf8');
    for (const { spec } of rows) expect(readme).toContain(`\`${spec.env}\``);
  });
});
