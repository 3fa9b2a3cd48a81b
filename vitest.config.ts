// Unit and integration tests, one project per part. Servers under test listen on loopback ports they pick
// themselves, so files may run in parallel; browser-heavy and mutant runs are few and long, hence the timeouts.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
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
    ],
  },
});
