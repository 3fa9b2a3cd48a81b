// What every benchmark receives from bench/run.ts.
import type { LoadSettings } from './load.ts';

export interface BenchContext {
  quick: boolean;
  load: LoadSettings;
  /** Progress on stderr, so that stdout carries only the table. */
  log(message: string): void;
}
