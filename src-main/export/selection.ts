import { z } from 'zod';
import { CASE_STATUSES, DIRECTIONS } from '../../src-shared/domain';
import { AppError } from '../../src-shared/result';
import { WhereBuilder } from '../store/where';

// What a supervisor asks for: transfers in a date range (UTC, both ends inclusive), optionally one
// counterparty jurisdiction, one direction, one status. The same object is written to the manifest.

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

export const exportSelectionSchema = z
  .object({
    from: day,
    to: day,
    jurisdiction: z
      .string()
      .regex(/^[A-Z]{2}$/, 'a two-letter country code')
      .nullable()
      .default(null),
    direction: z.enum(DIRECTIONS).nullable().default(null),
    status: z.enum(CASE_STATUSES).nullable().default(null),
  })
  .strict();

export type ExportSelection = z.infer<typeof exportSelectionSchema>;

export function parseSelection(input: unknown): ExportSelection {
  const r = exportSelectionSchema.safeParse(input);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new AppError('invalid_input', `Export selection: ${i.path.join('.') || 'selection'}: ${i.message}.`);
  }
  const s = r.data;
  for (const d of [s.from, s.to])
    if (Number.isNaN(Date.parse(`${d}T00:00:00Z`)) || new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) !== d)
      throw new AppError('invalid_input', `Export selection: ${d} is not a real date.`);
  if (s.from > s.to) throw new AppError('invalid_input', `Export selection: from (${s.from}) is after to (${s.to}).`);
  return s;
}

function nextDay(d: string): string {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + 1);
  return t.toISOString().slice(0, 10);
}

/** A WHERE clause over `cases` (alias c) and its parameters. */
export function selectionWhere(s: ExportSelection): { sql: string; params: Record<string, unknown> } {
  const w = new WhereBuilder()
    .add('c.transfer_time >= @from AND c.transfer_time < @toExclusive', {
      from: `${s.from}T00:00:00`,
      toExclusive: `${nextDay(s.to)}T00:00:00`,
    })
    .equals('c.counterparty_jurisdiction', 'jurisdiction', s.jurisdiction)
    .equals('c.direction', 'direction', s.direction)
    .equals('c.status', 'status', s.status);
  return { sql: w.sql, params: w.params };
}
