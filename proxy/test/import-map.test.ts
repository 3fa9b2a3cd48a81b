// The proxy's architecture as a test: modules import only their own layer or lower ones, never in a circle. A lower
// layer knows nothing of what is built on it, so each can be read (and reused) without the ones above.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cycles, importGraph } from '../../testkit/import-graph.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Layers, lowest first; a path belongs to the first prefix it matches. Type-only modules that everything shares
 * (the upstream and resource types) sit at the bottom.
 */
const LAYERS: [number, string[]][] = [
  [0, ['proxy/errors.ts', 'proxy/clock.ts', 'proxy/crypto/', 'proxy/http/', 'proxy/storage/']],
  [0, ['proxy/upstream/types.ts', 'proxy/resource/auth-info.ts']],
  [1, ['proxy/records.ts', 'proxy/options/kinds.ts', 'proxy/options/option.ts', 'proxy/options/read-options.ts']],
  [1, ['proxy/options/help.ts']],
  [2, ['proxy/checks/']],
  [3, ['proxy/options/']],
  [4, ['proxy/upstream/']],
  [5, ['proxy/tokens/', 'proxy/clients/', 'proxy/consent/']],
  [6, ['proxy/settings.ts', 'proxy/context.ts', 'proxy/access-log.ts']],
  [7, ['proxy/grants/', 'proxy/pages/']],
  [8, ['proxy/endpoints/', 'proxy/resource/']],
  [9, ['proxy/app.ts', 'proxy/index.ts']],
  [10, ['proxy/server/']],
];

function layerOf(path: string): number {
  for (const [rank, prefixes] of LAYERS) if (prefixes.some((p) => path.startsWith(p))) return rank;
  throw new Error(`${path} belongs to no layer: add it to LAYERS`);
}

const graph = importGraph(ROOT, 'proxy', (path) => path.startsWith('proxy/test/'));

describe('the proxy import map', () => {
  it('has modules in every layer', () => {
    expect(graph.size).toBeGreaterThan(80);
  });

  it('has no import from a higher layer', () => {
    const upward: string[] = [];
    for (const [from, imports] of graph) {
      for (const to of imports) {
        if (!to.startsWith('proxy/')) {
          upward.push(`${from} → ${to} (outside proxy/)`);
        } else if (layerOf(to) > layerOf(from)) {
          upward.push(`${from} (layer ${layerOf(from)}) → ${to} (layer ${layerOf(to)})`);
        }
      }
    }
    expect(upward).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });
});
