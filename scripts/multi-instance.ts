// `npm run test:multi-instance`: the whole conformance suite through a round-robin front over two proxy instances
// sharing one Redis (scripts/multi-instance-target.ts), against the GitHub-style mock. Exit code of the suite.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  REFERENCE_CIMD_ASSIGNMENTS,
  REFERENCE_PROXY_ENV,
  REFERENCE_TARGET_DESCRIPTION,
} from '../conformance/reference-target.ts';
import { freePort } from '../testkit/free-port.ts';

const port = await freePort();
const countsFile = join(tmpdir(), `multi-instance-counts-${process.pid}.json`);
const flavor = process.env.MULTI_INSTANCE_UPSTREAM ?? 'github';
// The instances run with REFERENCE_PROXY_ENV's short lifetimes: the suite is told them (and the step-up tool) as in the
// demo, so the lifetime checks judge the declared lifetimes (LIFE-02: the token plus its bearer check's clock leeway).
const targetFile = join(tmpdir(), `multi-instance-target-${process.pid}.json`);
writeFileSync(targetFile, `${JSON.stringify(REFERENCE_TARGET_DESCRIPTION, null, 2)}\n`);
const child = spawn(
  process.execPath,
  [
    'conformance/bin/oauth-proxy-conformance.js',
    '--target',
    `http://127.0.0.1:${port}`,
    '--upstream',
    `harness-${flavor}`,
    '--target-command',
    `${REFERENCE_CIMD_ASSIGNMENTS} node --import tsx scripts/multi-instance-target.ts`,
    '--report',
    process.env.MULTI_INSTANCE_REPORT ?? 'conformance-report/multi-instance',
    '--target-file',
    targetFile,
    ...process.argv.slice(2),
  ],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      ...REFERENCE_PROXY_ENV,
      MULTI_INSTANCE_COUNTS_FILE: countsFile,
    },
  },
);
child.on('exit', (code) => {
  rmSync(targetFile, { force: true });
  // One line the multi-instance test reads: how many requests each instance served.
  if (existsSync(countsFile)) {
    const { counts } = JSON.parse(readFileSync(countsFile, 'utf8')) as { counts: number[] };
    process.stdout.write(`${JSON.stringify({ event: 'instance-request-counts', counts })}\n`);
    rmSync(countsFile, { force: true });
  }
  process.exit(code ?? 1);
});
