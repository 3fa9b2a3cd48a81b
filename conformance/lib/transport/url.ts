// URL helpers every layer above transport uses when comparing what a target answered with where it should be.

/** The origin of a URL, or an empty string when it does not parse (so comparisons simply fail). */
export function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}
