// The proxy's one time source. Every expiry it computes (codes, tokens, consent cookies, records) reads this clock,
// so tests move time forward instead of sleeping.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Whole seconds since the epoch, the unit of JWT and OAuth timestamps. */
export function epochSeconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000);
}
