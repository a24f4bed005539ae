import { createHash } from 'node:crypto';
import type { CaseRecord } from '../../src-shared/case';
import { canonicalJson } from '../audit/canonical-json';
import { saveCheck, storedDigest } from '../store/checks';
import type { WritableDB } from '../store/db';
import { ivms101Check, jurisdictionsOf, type CheckContext } from './ivms101';

export type { CheckContext };

// Every automatic check of a case, run when the case arrives or changes. Each stores its result
// with a digest of exactly what it read and its engine version, so it re-runs only when either changes.

const digest = (v: unknown) => createHash('sha256').update(canonicalJson(v)).digest('hex');

/** A check that throws must not take the import or sync batch down with it: it is recorded as failed. */
function safely(c: CaseRecord, ctx: CheckContext): ReturnType<typeof ivms101Check> {
  try {
    return ivms101Check(c, ctx);
  } catch (e) {
    const reason = `the check itself failed (${e instanceof Error ? e.name : 'error'}); re-run after updating Waybill`;
    return {
      name: 'ivms101',
      engineVersion: 'failed',
      outcome: 'unreadable',
      summary: `Not checked: ${reason}`,
      result: { outcome: 'unreadable', engine: 'failed', edition: null, form: null, reason, errors: [], warnings: [], completeness: null },
    };
  }
}

export function runCaseChecks(db: WritableDB, c: CaseRecord, ctx: CheckContext, now = new Date().toISOString()): string[] {
  const ran: string[] = [];
  const check = safely(c, ctx);
  const inputsDigest = digest({ ivms101: c.ivms101, jurisdictions: jurisdictionsOf(c, ctx), fiat: c.fiatValue ?? null, today: ctx.today });
  const prev = storedDigest(db, c.id, check.name);
  if (!prev || prev.inputsDigest !== inputsDigest || prev.engineVersion !== check.engineVersion) {
    saveCheck(db, c.id, { ...check, inputsDigest, computedAt: now });
    ran.push(check.name);
  }
  return ran;
}
