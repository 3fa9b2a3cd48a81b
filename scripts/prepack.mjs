// `npm pack` / `npm publish` of a workspace package: compile the packages and put the repository's LICENSE into the
// package folder (npm ships a package's own LICENSE file only; the copies are not committed).
import { copyFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildPackages } from './build-packages.mjs';

buildPackages();
copyFileSync(fileURLToPath(new URL('../LICENSE', import.meta.url)), `${process.cwd()}/LICENSE`);
