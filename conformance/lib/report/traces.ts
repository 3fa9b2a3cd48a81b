// The redacted HTTP trace of each check (every request, response and browser navigation of its flow), written next
// to report.json as traces/<ID>.txt so that the HTML report can show it and a CI artifact keeps it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes one check's trace; returns its path relative to the report folder. */
export function writeTrace(reportDir: string, id: string, trace: Buffer | string): string {
  const relative = `traces/${id.replace(/[^A-Za-z0-9_-]/g, '_')}.txt`;
  mkdirSync(join(reportDir, 'traces'), { recursive: true });
  writeFileSync(join(reportDir, relative), trace);
  return relative;
}
