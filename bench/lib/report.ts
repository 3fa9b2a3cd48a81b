// Figures, goals and verdicts, the table on stdout and the JSON files under bench/results/. Verdicts are
// informational: a figure below its goal never makes the run fail.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export interface Goal {
  /** Which number the goal is about. */
  on: 'value' | 'ratio';
  op: '>=' | '<=';
  target: number;
}

export interface Figure {
  /** Stable id, e.g. `bearer.rps`. */
  id: string;
  /** The benchmark that produced it (what `--only` selects). */
  benchmark: string;
  name: string;
  unit: string;
  value: number;
  baseline?: { name: string; value: number };
  /** value / baseline.value */
  ratio?: number;
  goal?: Goal;
  verdict?: 'meets' | 'below goal';
  note?: string;
  /** A breakdown of the value (e.g. per route), same unit. */
  details?: Record<string, number>;
}

export function figure(input: Omit<Figure, 'ratio' | 'verdict'>): Figure {
  // A zero baseline (a latency under the timer's resolution) has no meaningful ratio.
  const ratio = input.baseline && input.baseline.value > 0 ? input.value / input.baseline.value : undefined;
  const out: Figure = { ...input, ...(ratio !== undefined ? { ratio } : {}) };
  if (input.goal) {
    const actual = input.goal.on === 'ratio' ? ratio : input.value;
    const ok =
      actual !== undefined && (input.goal.op === '>=' ? actual >= input.goal.target : actual <= input.goal.target);
    out.verdict = ok ? 'meets' : 'below goal';
  }
  return out;
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
  arch: string;
  totalMemoryMB: number;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    totalMemoryMB: Math.round(totalmem() / 2 ** 20),
  };
}

export interface BenchReport {
  schemaVersion: 1;
  startedAt: string;
  finishedAt: string;
  wallSeconds: number;
  options: { quick: boolean; only: string[] };
  machine: MachineInfo;
  figures: Figure[];
  /** Benchmarks that could not run, with why. */
  problems: Array<{ benchmark: string; message: string }>;
  /** The 1-minute load average before and after each benchmark. */
  load: Array<{ benchmark: string; before: number; after: number }>;
}

function formatNumber(value: number, unit: string): string {
  if (!Number.isFinite(value)) return String(value);
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`;
}

function formatGoal(goal: Goal | undefined, unit: string): string {
  if (!goal) return '';
  const op = goal.op === '>=' ? '≥' : '≤';
  return goal.on === 'ratio' ? `ratio ${op} ${goal.target}` : `${op} ${goal.target} ${unit}`;
}

export function renderTable(figures: Figure[]): string {
  const header = ['benchmark', 'value', 'baseline', 'ratio', 'goal', 'verdict'];
  const rows = figures.map((f) => [
    f.name,
    formatNumber(f.value, f.unit),
    f.baseline ? `${formatNumber(f.baseline.value, f.unit)} (${f.baseline.name})` : '',
    f.ratio !== undefined ? f.ratio.toFixed(3) : '',
    formatGoal(f.goal, f.unit),
    f.verdict ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Writes `<ISO timestamp>.json` and `latest.json` into `directory`; returns the timestamped path. */
export function writeReport(directory: string, report: BenchReport): string {
  mkdirSync(directory, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const path = `${directory}/${report.startedAt.replaceAll(':', '-')}.json`;
  writeFileSync(path, json);
  writeFileSync(`${directory}/latest.json`, json);
  return path;
}
