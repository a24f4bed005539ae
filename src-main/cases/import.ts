import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { caseRecordSchema, type CaseRecord } from '../../src-shared/case';
import type { z } from 'zod';
import { appendAudit } from '../audit/chain';
import { runCaseChecks, type CheckContext } from '../checks/run';
import { quarantine, upsertCase, type UpsertOutcome } from '../store/cases';
import type { WritableDB } from '../store/db';
import { readJsonLines } from '../input/json-lines';
import { parseJsonBounded } from '../input/limits';

export interface RejectedLine {
  line: number;
  reason: string;
}

export interface ImportReport {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Cases whose retention ended and whose data was purged: not taken in again. */
  purged: number;
  rejected: RejectedLine[];
}

/** Names the field and the rule, never the value: the value may be personal data. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(record)'}: ${i.message}`)
    .join('; ');
}

export type LineResult = { ok: true; record: CaseRecord } | { ok: false; reason: string };

/** Depth is checked before JSON.parse, so a deeply nested line is refused and never reaches a recursive walker. */
export function parseCaseLine(text: string): LineResult {
  const json = parseJsonBounded(text);
  if (!json.ok) return json;
  const parsed = caseRecordSchema.safeParse(json.value);
  return parsed.success ? { ok: true, record: parsed.data } : { ok: false, reason: describeIssues(parsed.error) };
}

const BATCH = 500;

/**
 * Imports a JSON Lines file of cases. Each bad line is quarantined with its line number and reason;
 * every good line is kept and checked. Work is committed in batches, each with its audit events.
 */
export async function importCasesFile(db: WritableDB, file: string, actor: string, checks: CheckContext): Promise<ImportReport> {
  const report: ImportReport = { read: 0, inserted: 0, updated: 0, unchanged: 0, purged: 0, rejected: [] };
  const source = `import:${basename(file)}`;
  const at = new Date().toISOString();
  type Item = { line: number; text: string; result: LineResult };
  let batch: Item[] = [];

  const commit = db.transaction((items: Item[]) => {
    for (const { line, text, result } of items) {
      if (!result.ok) {
        quarantine(db, { source, location: `line ${line}`, reason: result.reason, raw: text, at });
        report.rejected.push({ line, reason: result.reason });
        continue;
      }
      const outcome: UpsertOutcome = upsertCase(db, result.record, at);
      report[outcome]++;
      if (outcome === 'inserted' || outcome === 'updated') {
        runCaseChecks(db, result.record, checks, at);
        appendAudit(db, { actor, action: `case.${outcome === 'inserted' ? 'received' : 'updated'}`, caseId: result.record.id, payload: { source, version: result.record.version, status: result.record.status }, at });
      }
    }
  });

  // Bytes, not text: the line and encoding limits hold before anything is decoded (src-main/input).
  for await (const l of readJsonLines(createReadStream(file))) {
    report.read++;
    batch.push(l.ok ? { line: l.line, text: l.text, result: parseCaseLine(l.text) } : { line: l.line, text: l.raw, result: { ok: false, reason: l.reason } });
    if (batch.length >= BATCH) {
      commit(batch);
      batch = [];
    }
  }
  if (batch.length) commit(batch);
  if (report.rejected.length || report.inserted || report.updated) {
    db.transaction(() =>
      appendAudit(db, { actor, action: 'cases.imported', payload: { source, ...report, rejected: report.rejected.length }, at }),
    )();
  }
  return report;
}
