// Which answer forms a client accepts. Streamable HTTP clients "MUST include an Accept header, listing both
// application/json and text/event-stream"; the server is lenient where that costs nothing: no Accept header (or a
// wildcard) accepts both, a client that lists only application/json gets JSON without streamed notifications, and
// only a client that accepts no JSON at all is refused (406).
// @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#sending-messages

export interface Accepts {
  json: boolean;
  eventStream: boolean;
}

const BOTH: Accepts = { json: true, eventStream: true };

/** Clients send one Accept value over and over: parse each distinct one once (a small, bounded memo). */
const parsed = new Map<string, Accepts>();

export function acceptedForms(accept: string | null): Accepts {
  if (accept === null) return BOTH;
  let forms = parsed.get(accept);
  if (forms === undefined) {
    forms = parse(accept);
    if (parsed.size >= 64) parsed.clear();
    parsed.set(accept, forms);
  }
  return forms;
}

function parse(accept: string): Accepts {
  if (accept.trim() === '') return BOTH;
  const ranges = accept
    .split(',')
    .map((part) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const refused = params.some((p) => /^q=0(\.0{0,3})?$/.test(p));
      return refused ? '' : type;
    })
    .filter((type) => type !== '');
  const any = ranges.includes('*/*');
  return {
    json: any || ranges.includes('application/json') || ranges.includes('application/*'),
    eventStream: any || ranges.includes('text/event-stream') || ranges.includes('text/*'),
  };
}
