// Vitest global setup and the npm scripts' first step: compile the three packages (tsc -b is incremental, about a
// second when nothing changed), so that everything that starts a bin (proxy/bin, mock-idp/bin, conformance/bin) runs
// the code of this checkout, never a stale dist/.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const projects = ['mock-idp/tsconfig.build.json', 'proxy/tsconfig.build.json', 'conformance/tsconfig.build.json'];

export function buildPackages() {
  execFileSync(process.execPath, [tsc, '-b', ...projects], { cwd: root, stdio: 'inherit' });
}

export default function setup() {
  buildPackages();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildPackages();
