// One worker, one thing at a time against the target: each check runs in a turn of its own, and the lifetime stage's
// background work (lib/check/lifetimes.ts) takes turns between checks, so its flows never overlap a check's (which
// may read the mock IdP's request log, inject a fault, or count what the target did) and a loaded machine never runs
// two flows at once. First come, first served: work queued while a check runs goes before the next check.
export class Turns {
  private held = false;
  private readonly waiting: Array<() => void> = [];

  /** Runs `fn` in a turn of its own. */
  async take<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  /**
   * From inside a turn: gives it up while `work` settles (work that itself takes turns, which would otherwise wait for
   * this one forever), then takes a turn again.
   */
  async awaitOutside<T>(work: Promise<T>): Promise<T> {
    this.release();
    try {
      return await work;
    } finally {
      await this.acquire();
    }
  }

  private async acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Hands the turn to the next in line (it stays held), or frees it. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.held = false;
  }
}
