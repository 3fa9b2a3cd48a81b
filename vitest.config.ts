// Unit and integration tests, one project per part. Servers under test listen on loopback ports they pick
// themselves, so files may run in parallel; browser-heavy and mutant runs are few and long, hence the timeouts.
// The kit's packages import each other by name; tests run them from source, never from a possibly stale dist/.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@mcp-oauth-kit/mock-idp': source('./mock-idp/index.ts'),
      '@mcp-oauth-kit/proxy': source('./proxy/index.ts'),
      '@mcp-oauth-kit/conformance': source('./conformance/index.ts'),
    },
  },
  test: {
    // Tests that start a bin run the compiled packages: build them first (incremental).
    globalSetup: ['./scripts/build-packages.mjs'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'mock-idp', include: ['mock-idp/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'proxy', include: ['proxy/test/**/*.test.ts'] } },
      {
        extends: true,
        test: { name: 'conformance', include: ['conformance/test/**/*.test.ts'], testTimeout: 600_000 },
      },
      { extends: true, test: { name: 'bench', include: ['bench/test/**/*.test.ts'] } },
      // The packages as users install them: packed, installed from the tarballs, used with no source tree.
      { extends: true, test: { name: 'packages', include: ['test/**/*.test.ts'], testTimeout: 600_000 } },
    ],
  },
});
