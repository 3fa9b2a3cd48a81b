// A browser navigation as the flow driver records it (main frame only), and how to summarise a chain of them in an
// error message. Its own module so that the flow and the page actions can both use it without importing each other.
import { safeOrigin } from '../transport/url.ts';

export interface Navigation {
  method: string;
  url: string;
  status: number;
  location?: string;
  setCookies: string[];
  headers: Record<string, string>;
  /** Only the provisional headers could be read (no Set-Cookie among them): see flow.ts recordNavigation. */
  headersIncomplete?: boolean;
}

/** `GET /authorize 200 → POST /consent 303 → …` for error messages (paths only: no secrets). */
export function chain(navigations: Navigation[]): string {
  return (
    navigations.map((n) => `${n.method} ${safeOrigin(n.url)}${new URL(n.url).pathname} ${n.status}`).join(' → ') ||
    '(none)'
  );
}
