// What every benchmark receives from bench/run.ts.
import type { LoadSettings } from './load.ts';

export interface BenchContext {
  quick: boolean;
  load: LoadSettings;
  /** --soak-seconds: how long the soak benchmark runs (default 600, 20 with --quick). */
  soakSeconds?: number;
  /** Progress on stderr, so that stdout carries only the table. */
  log(message: string): void;
}
