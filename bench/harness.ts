// A benchmark row: one measured figure, with what it measures and how.
export interface Measurement {
  suite: string;
  metric: string;
  value: number;
  unit: string;
  note?: string;
  /** The goal for this figure, in its unit: at least or at most this value. */
  goal?: Goal;
  /** The figure beside its peer or floor: `value` times `to` (e.g. 0.4 × npm ivms101, 1.3 × the profiled floor). */
  ratio?: { value: number; to: string };
}

export type Goal = { atLeast: number } | { atMost: number };

/** How far a figure is from its goal: value / goal (≥ 1 meets an "at least", ≤ 1 an "at most"). */
export function goalStatus(value: number, goal: Goal): { ofGoal: number; met: boolean } {
  if ('atLeast' in goal) return { ofGoal: value / goal.atLeast, met: value >= goal.atLeast };
  return { ofGoal: value / goal.atMost, met: value <= goal.atMost };
}

/**
 * The goal a suite wrote only in its note ("goal ≥ 10000", "goal <= 20 ms"), for suites not yet giving
 * `goal` itself; a structured `goal` always wins.
 */
export function goalFromNote(note: string | undefined): Goal | undefined {
  const m = /goal\s*(≥|>=|≤|<=)\s*([\d.,]+)/.exec(note ?? '');
  if (!m) return undefined;
  const n = Number(m[2]!.replace(/,/g, ''));
  if (!Number.isFinite(n)) return undefined;
  return m[1] === '≥' || m[1] === '>=' ? { atLeast: n } : { atMost: n };
}

export interface Suite {
  name: string;
  run(): Promise<Measurement[]>;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0;
}

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * A per-case figure between two readings, as one row (none where a reading failed, e.g. no /proc):
 * 'µs' from CPU seconds, 'KiB' from bytes.
 */
export function perCase(
  unit: 'µs' | 'KiB',
  suite: string,
  metric: string,
  before: number | null,
  after: number | null,
  cases: number,
  note: string,
): Measurement[] {
  if (before === null || after === null) return [];
  const each = (after - before) / cases;
  const value = unit === 'µs' ? round(each * 1e6, 0) : round(each / 1024, 1);
  return [{ suite, metric, value, unit, note }];
}
