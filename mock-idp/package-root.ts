// Files that ship with the package (test users, the pre-registered client), found from the package root, so the same
// code reads them from the source tree and from the compiled package (where modules sit one folder deeper, in dist/).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageFile(relativePath: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`mock-idp: cannot find its package root (looking for ${relativePath})`);
    dir = parent;
  }
  return join(dir, relativePath);
}
