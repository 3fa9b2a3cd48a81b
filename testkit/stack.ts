// Starts the real stack for end-to-end tests: a mock upstream IdP on loopback and the standalone proxy server
// configured from the mock's proxyEnv, exactly as a user would run them from the README.
import { pino } from 'pino';
import { startMockIdp, type MockIdp, type MockIdpFlavor, type StartMockIdpOptions } from '../mock-idp/index.ts';
import { loadServerConfig } from '../proxy/server/config.ts';
import { startProxyServer, type RunningProxy, type StartOptions } from '../proxy/server/start.ts';

export const TEST_SIGNING_KEY = 'e2e-signing-key-0123456789abcdef0123456789';

export interface Stack {
  idp: MockIdp;
  proxy: RunningProxy;
  close(): Promise<void>;
}

export async function startStack(
  flavor: MockIdpFlavor,
  env: Record<string, string> = {},
  idpOptions: Omit<StartMockIdpOptions, 'flavor'> = {},
  serverOptions: StartOptions = {},
): Promise<Stack> {
  const idp = await startMockIdp({ flavor, ...idpOptions });
  try {
    const config = loadServerConfig({ port: '0' }, { ...idp.proxyEnv, PROXY_SIGNING_KEY: TEST_SIGNING_KEY, ...env });
    const proxy = await startProxyServer(config, {
      logger: pino({ level: 'silent' }),
      ...serverOptions,
    });
    return {
      idp,
      proxy,
      async close() {
        await proxy.close();
        await idp.close();
      },
    };
  } catch (error) {
    await idp.close();
    throw error;
  }
}
