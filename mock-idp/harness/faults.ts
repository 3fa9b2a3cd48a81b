// Injected upstream failures: per endpoint (optionally per request, by its parameters), once or always, applied
// before the real handler runs.
import type { FaultKind, FaultSpec } from '../types.ts';

const KINDS: readonly FaultKind[] = ['status', 'delay', 'garbage', 'drop', 'deny'];

interface ActiveFault {
  spec: FaultSpec;
  /** Remaining uses; Infinity = always. */
  remaining: number;
}

export class FaultTable {
  #faults: ActiveFault[] = [];

  add(spec: FaultSpec): void {
    const times = spec.times === undefined ? 1 : spec.times === 0 ? Infinity : spec.times;
    this.#faults.push({ spec: { ...spec }, remaining: times });
  }

  clear(): void {
    this.#faults = [];
  }

  /** The first fault registered for this path whose `match` the request's parameters meet, consuming one use of it. */
  take(path: string, params: Readonly<Record<string, string | string[]>> = {}): FaultSpec | undefined {
    const index = this.#faults.findIndex(
      (f) =>
        f.spec.endpoint === path &&
        f.remaining > 0 &&
        // A repeated parameter matches no single value: such a request is not the one the test meant.
        Object.entries(f.spec.match ?? {}).every(([name, value]) => params[name] === value),
    );
    if (index === -1) return undefined;
    const fault = this.#faults[index]!;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.#faults.splice(index, 1);
    return fault.spec;
  }
}

/**
 * Validates a fault posted to the harness over HTTP (`"times": "always"` is accepted there, as JSON has no
 * Infinity). Returns the spec or a message saying what is wrong.
 */
export function parseFaultSpec(input: unknown): FaultSpec | string {
  if (typeof input !== 'object' || input === null) return 'body must be a JSON object';
  const o = input as Record<string, unknown>;
  if (typeof o.endpoint !== 'string' || !o.endpoint.startsWith('/')) return 'endpoint must be a path starting with /';
  if (typeof o.kind !== 'string' || !KINDS.includes(o.kind as FaultKind)) {
    return `kind must be one of ${KINDS.join(', ')}`;
  }
  const spec: FaultSpec = { endpoint: o.endpoint, kind: o.kind as FaultKind };
  if (o.status !== undefined) {
    if (!Number.isInteger(o.status) || (o.status as number) < 100 || (o.status as number) > 599) {
      return 'status must be an HTTP status code';
    }
    spec.status = o.status as number;
  }
  if (o.delayMs !== undefined) {
    if (typeof o.delayMs !== 'number' || o.delayMs < 0) return 'delayMs must be a non-negative number';
    spec.delayMs = o.delayMs;
  }
  if (o.body !== undefined) {
    if (typeof o.body !== 'string') return 'body must be a string';
    spec.body = o.body;
  }
  if (o.match !== undefined) {
    const entries = typeof o.match === 'object' && o.match !== null ? Object.entries(o.match) : undefined;
    if (!entries || Array.isArray(o.match) || entries.some(([, v]) => typeof v !== 'string')) {
      return 'match must be an object of parameter names to string values';
    }
    spec.match = Object.fromEntries(entries) as Record<string, string>;
  }
  if (o.times !== undefined) {
    if (o.times === 'always') spec.times = Infinity;
    else if (Number.isInteger(o.times) && (o.times as number) >= 0) spec.times = o.times as number;
    else return 'times must be a non-negative integer or "always"';
  }
  return spec;
}
