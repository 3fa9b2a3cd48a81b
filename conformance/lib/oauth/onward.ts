// Where a user agent goes next after an answer that is not a plain redirect. RFC 6749 §1.7: "the authorization
// server ... redirecting the user-agent ... via HTTP redirect, or by other means available via the user-agent", and
// "any other method available via the user-agent to accomplish this redirection is allowed and is considered to be
// an implementation detail". So an authorization response may arrive as a 3xx, an HTML page with a meta refresh or a
// script that sets location, an auto-submitting form (form_post), or, for a request a server takes for a script's
// fetch(), JSON naming the URL ({"redirect":true,"url":…}). Browser flows follow these by themselves; the
// browserless probes and the replayed callbacks read them here.
// @see https://www.rfc-editor.org/rfc/rfc6749#section-1.7

export interface Onward {
  url: URL;
  method: 'GET' | 'POST';
  /** The fields of an auto-submitting POST form (also appended to `url`'s query for a GET form). */
  form?: [string, string][];
  by: 'location' | 'meta-refresh' | 'script' | 'form' | 'json';
}

/** The parts of an HTTP answer this needs (fits both the suite's HttpResponse and Playwright's APIResponse). */
export interface AnswerLike {
  status: number;
  header(name: string): string | null | undefined;
  text: string;
}

/** The next hop of an answer, or undefined when the user agent stays on the page. */
export function onwardOf(answer: AnswerLike, base: string): Onward | undefined {
  const location = answer.header('location');
  if (answer.status >= 300 && answer.status < 400 && location) return at(location, base, 'location');
  if (answer.status < 200 || answer.status >= 300) return undefined;
  const type = answer.header('content-type') ?? '';
  if (/json/i.test(type) || /^\s*\{/.test(answer.text)) return fromJson(answer.text, base);
  return fromHtml(answer.text, base);
}

function at(target: string, base: string, by: Onward['by']): Onward | undefined {
  try {
    return { url: new URL(decodeEntities(target.trim()), base), method: 'GET', by };
  } catch {
    return undefined;
  }
}

/** `{"redirect":true,"url":"/sign-in?…"}`, `{"redirect_uri":…}`, `{"location":…}`: a URL the page's script follows. */
function fromJson(text: string, base: string): Onward | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const record = body as Record<string, unknown>;
  if (record.redirect === false) return undefined;
  for (const key of ['url', 'redirect_uri', 'redirect_to', 'redirectTo', 'location']) {
    const value = record[key];
    if (typeof value === 'string' && value) return at(value, base, 'json');
  }
  return undefined;
}

function fromHtml(html: string, base: string): Onward | undefined {
  for (const meta of html.matchAll(/<meta\b[^>]*>/gi)) {
    const tag = meta[0];
    if (!/http-equiv\s*=\s*["']?refresh/i.test(tag)) continue;
    const content = attribute(tag, 'content') ?? '';
    const url = /^\s*\d*\s*[;,]\s*url\s*=\s*['"]?([^'"]+)/i.exec(content)?.[1];
    if (url) return at(url, base, 'meta-refresh');
  }
  const form = autoSubmittingForm(html, base);
  if (form) return form;
  // A script that moves on by itself, on a page offering nothing to click (a consent page's handlers assign
  // location too, but only when a button is pressed).
  if (/<button\b|<input\b[^>]*type\s*=\s*["']?(submit|button)/i.test(html)) return undefined;
  const script =
    /(?:window\.|document\.)?location(?:\.href)?\s*=\s*(["'])([^"']+)\1|location\.(?:replace|assign)\(\s*(["'])([^"']+)\3\s*\)/.exec(
      html,
    );
  const target = script?.[2] ?? script?.[4];
  return target ? at(target, base, 'script') : undefined;
}

/** A form the page submits on load (the form_post response mode and its look-alikes). */
function autoSubmittingForm(html: string, base: string): Onward | undefined {
  const formMatch = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (!formMatch) return undefined;
  const submits = /\.submit\(\)|onload\s*=\s*["'][^"']*submit/i.test(html);
  if (!submits) return undefined;
  const attrs = formMatch[1] ?? '';
  const action = attribute(attrs, 'action') ?? base;
  const method = (attribute(attrs, 'method') ?? 'get').toUpperCase() === 'POST' ? 'POST' : 'GET';
  const fields: [string, string][] = [];
  for (const input of (formMatch[2] ?? '').matchAll(/<input\b[^>]*>/gi)) {
    const name = attribute(input[0], 'name');
    if (name) fields.push([name, attribute(input[0], 'value') ?? '']);
  }
  let url: URL;
  try {
    url = new URL(action, base);
  } catch {
    return undefined;
  }
  if (method === 'GET') for (const [k, v] of fields) url.searchParams.append(k, v);
  return { url, method, form: fields, by: 'form' };
}

function attribute(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  const value = m?.[1] ?? m?.[2] ?? m?.[3];
  return value === undefined ? undefined : decodeEntities(value);
}

function decodeEntities(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The authorization response parameters an onward hop carries (query of a GET, fields of a POST form). */
export function responseParams(onward: Onward): URLSearchParams {
  if (onward.method === 'POST') return new URLSearchParams(onward.form ?? []);
  return onward.url.searchParams;
}
