// Serialises asynchronous work per key inside one process, so that a check-then-write sequence on the file store
// cannot interleave with another on the same key.

export class KeyMutex {
  readonly #tails = new Map<string, Promise<void>>();

  /** Runs `work` once every earlier holder of `key` has finished; holders of other keys are not delayed. */
  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release = (): void => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => gate);
    this.#tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      // Only the last waiter removes the entry, so the map holds no keys that nobody is waiting on.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
