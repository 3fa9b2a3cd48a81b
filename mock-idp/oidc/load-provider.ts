// Loads oidc-provider and builds a Provider with its two start-up warnings explained instead of echoed. Both are
// meant for people deploying a real OpenID Provider: "Unsupported runtime" (the library's support policy is Node
// 22+; this mock's subset runs and is tested on Node 20.19+ too) and the in-memory adapter notice (a mock keeps its
// state in memory by design). Anything else the library warns about is passed through unchanged.
import type { Provider } from 'oidc-provider';

const EXPLAINED: [RegExp, string][] = [
  [
    /Unsupported runtime/,
    'mock-idp: oidc-provider supports Node 22+ officially and says so on other versions; the mock uses a tested ' +
      'subset that runs on Node 20.19+ as well (Node 22 recommended).',
  ],
  [/in-memory adapter/, ''],
];

let explained = false;

/** Runs `work` with oidc-provider's known warnings held back and, once per process, explained on stderr. */
async function quietly<T>(work: () => T | Promise<T>): Promise<T> {
  const original = console.warn;
  const held: string[] = [];
  console.warn = (...args: unknown[]) => {
    const text = args.map(String).join(' ');
    if (EXPLAINED.some(([pattern]) => pattern.test(text))) held.push(text);
    else original(...args);
  };
  try {
    return await work();
  } finally {
    console.warn = original;
    if (!explained) {
      for (const text of held) {
        const explanation = EXPLAINED.find(([pattern]) => pattern.test(text))?.[1];
        if (explanation) process.stderr.write(`${explanation}\n`);
      }
      explained = held.length > 0 || explained;
    }
  }
}

export function createProvider(issuer: string, configuration: Record<string, unknown>): Promise<Provider> {
  return quietly(async () => {
    const { default: ProviderClass } = await import('oidc-provider');
    return new ProviderClass(issuer, configuration);
  });
}
