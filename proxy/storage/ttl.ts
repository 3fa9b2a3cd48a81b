// Shared argument checks for every backend, so that they all reject the same bad input the same way.

/** Throws a RangeError unless `ttlSeconds` is a finite number > 0: the contract says every record expires. */
export function assertTtl(ttlSeconds: number): void {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`ttlSeconds must be a finite number > 0, got ${String(ttlSeconds)}`);
  }
}

/** Throws once a store has been closed: using it afterwards is a lifecycle bug worth surfacing. */
export function assertOpen(closed: boolean, backend: string): void {
  if (closed) throw new Error(`${backend} is closed`);
}
