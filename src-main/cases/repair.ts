import { createHash, randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { caseRecordSchema, type CaseRecord } from '../../src-shared/case';
import type { Ivms101Check } from '../../src-shared/checks';
import { AppError } from '../../src-shared/result';
import { appendAudit } from '../audit/chain';
import { canonicalJson } from '../audit/canonical-json';
import { ivms101Check } from '../checks/ivms101';
import { runCaseChecks, type CheckContext } from '../checks/run';
import { pointer } from '../ivms101/problems';
import { evaluateCase } from '../rules/evaluate';
import { getCaseRecord } from '../store/cases';
import type { WritableDB, ReadableDB } from '../store/db';
import { enqueue } from '../store/outbox';
import { appendIvms101Version, ivms101Versions, withPendingRepair, type Ivms101VersionRow } from '../store/repairs';
import { describeIssues } from './intake';

// Repair (issue 18, 9): the counterparty answers with what was missing (an address, a name) and the
// analyst puts it into the case's IVMS101 record. The record as received is never overwritten: the
// repair is the next version, with who made it and why, what changed field by field, and it leaves for
// the backend through the outbox (offline it waits there). The checks run again on the repaired record.

export type Change = Ivms101VersionRow['changes'][number];

/** The SHA-256 of a record's canonical JSON (RFC 8785): the backend refuses a repair made on another record. */
export const ivms101Digest = (v: unknown): string => createHash('sha256').update(canonicalJson(v)).digest('hex');

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value added or removed whole, as its leaves: a new address reads as its street, town, country. */
function leaves(v: unknown, path: string, side: 'before' | 'after'): Change[] {
  const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : isObject(v) ? Object.entries(v) : null;
  if (!entries?.length) return [{ path: path || '/', [side]: v }];
  return entries.flatMap(([k, x]) => leaves(x, pointer(path, k), side));
}

/** Field-by-field differences, by JSON Pointer into the record; an absent side is a field added or removed. */
export function diffRecords(before: unknown, after: unknown, path = ''): Change[] {
  if (isDeepStrictEqual(before, after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) =>
      k in before && k in after
        ? diffRecords(before[k], after[k], pointer(path, k))
        : k in before
          ? leaves(before[k], pointer(path, k), 'before')
          : leaves(after[k], pointer(path, k), 'after'),
    );
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: Change[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      if (i >= after.length) out.push(...leaves(before[i], pointer(path, i), 'before'));
      else if (i >= before.length) out.push(...leaves(after[i], pointer(path, i), 'after'));
      else out.push(...diffRecords(before[i], after[i], pointer(path, i)));
    }
    return out;
  }
  return [{ path: path || '/', before, after }];
}

export interface RepairPreview {
  /** The IVMS101 check as it would read the repaired record (the checks' own validator). */
  check: Ivms101Check;
  summary: string;
  changes: Change[];
  /** Errors inside what the analyst changed: a repair with any is refused. */
  blocking: string[];
}

const within = (problemPath: string, changed: string) =>
  problemPath === changed || problemPath.startsWith(`${changed}/`) || changed.startsWith(`${problemPath}/`);

function judge(base: CaseRecord, ivms101: unknown, ctx: CheckContext): RepairPreview {
  const bounded = caseRecordSchema.shape.ivms101.safeParse(ivms101);
  if (!bounded.success) throw new AppError('invalid_input', `The repaired record: ${describeIssues(bounded.error)}`);
  const repaired: CaseRecord = { ...base, ivms101: bounded.data };
  const stored = ivms101Check(repaired, evaluateCase(repaired, ctx), ctx.today);
  const check = stored.result;
  const changes = diffRecords(base.ivms101, bounded.data);
  const blocking =
    check.outcome === 'unreadable'
      ? [`the record is no longer IVMS101: ${check.reason ?? 'unreadable'}`]
      : check.errors.filter((p) => changes.some((c) => within(p.path, c.path))).map((p) => `${p.path}: ${p.message}`);
  return { check, summary: stored.summary, changes, blocking };
}

/** What the checks would say of the record as the analyst is typing it; nothing is stored. */
export function previewRepair(db: ReadableDB, caseId: string, ivms101: unknown, ctx: CheckContext): RepairPreview {
  const stored = getCaseRecord(db, caseId);
  if (!stored) throw new AppError('not_found', `No case ${caseId}.`);
  return judge(withPendingRepair(db, stored), ivms101, ctx);
}

export interface RepairInput {
  caseId: string;
  ivms101: unknown;
  /** Why: required (e.g. "address from the counterparty's reply of 3 May"). */
  note: string;
  analyst: string;
  at?: string;
}

export interface RepairResult {
  repairId: string;
  version: number;
  changes: Change[];
  outboxId: number;
}

/**
 * Saves a repair as the case's next IVMS101 version, in one transaction with its outbox entry, its
 * audit event and the re-run checks. Refused, naming the field: no note, nothing changed, or an error
 * in a changed field.
 */
export function repairCase(db: WritableDB, input: RepairInput, ctx: CheckContext): RepairResult {
  const note = input.note.trim();
  if (!note) throw new AppError('invalid_input', 'Say why the record changes (the note is required).');
  return db.transaction((): RepairResult => {
    const stored = getCaseRecord(db, input.caseId);
    if (!stored) throw new AppError('not_found', `No case ${input.caseId}.`);
    const base = withPendingRepair(db, stored);
    const verdict = judge(base, input.ivms101, ctx);
    if (verdict.changes.length === 0) throw new AppError('invalid_input', 'Nothing changed in the record.');
    if (verdict.blocking.length)
      throw new AppError(
        'invalid_input',
        `The repair is not valid IVMS101: ${verdict.blocking.slice(0, 3).join('; ')}`,
        {
          problems: verdict.blocking,
        },
      );
    const at = input.at ?? new Date().toISOString();
    const versions = ivms101Versions(db, input.caseId);
    let n = versions.length ? versions[versions.length - 1]!.n : 0;
    const last = versions[versions.length - 1];
    // The record as received is kept first (and again if the backend sent another one since).
    if (!last || !isDeepStrictEqual(last.ivms101, base.ivms101)) {
      n++;
      appendIvms101Version(db, {
        caseId: stored.id,
        n,
        kind: 'received',
        repairId: null,
        ivms101: base.ivms101,
        changes: last ? diffRecords(last.ivms101, base.ivms101) : [],
        note: null,
        analyst: 'backend',
        caseVersion: stored.version,
        at: stored.updatedAt,
      });
    }
    const repaired = input.ivms101 as Json;
    const repairId = randomUUID();
    n++;
    appendIvms101Version(db, {
      caseId: stored.id,
      n,
      kind: 'repair',
      repairId,
      ivms101: repaired,
      changes: verdict.changes,
      note,
      analyst: input.analyst,
      caseVersion: stored.version,
      at,
    });
    const outboxId = enqueue(db, {
      kind: 'ivms101_repair',
      caseId: stored.id,
      key: repairId,
      baseVersion: stored.version,
      payload: {
        repairId,
        baseDigest: ivms101Digest(base.ivms101),
        ivms101: repaired,
        changes: verdict.changes,
        note,
        analyst: input.analyst,
        repairedAt: at,
      },
      at,
      actor: input.analyst,
    });
    // Paths only in the audit trail: the values are personal data, kept in the encrypted versions table.
    appendAudit(db, {
      actor: input.analyst,
      action: 'case.repaired',
      caseId: stored.id,
      payload: { repairId, ivms101Version: n, caseVersion: stored.version, fields: verdict.changes.map((c) => c.path) },
      at,
    });
    runCaseChecks(db, { ...stored, ivms101: repaired }, ctx, at);
    return { repairId, version: n, changes: verdict.changes, outboxId };
  })();
}
