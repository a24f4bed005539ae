import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases, readZip, workstationWith } from '../../test/support/export';
import { tempDir } from '../../test/support/temp';
import type { Workstation } from '../app/workstation';
import { FormatPool } from './pool';
import { BundleSource, firstSelectedEventSeq, SelectedCases, writeAuditJsonl } from './sections';
import { ZipBundleWriter } from './zip-writer';
import { selectionWhere, type ExportSelection } from './selection';

// Issue 21: audit.jsonl tells an event about a selected case by the set of selected rowids the case
// pass marked (SelectedCases), where it read each event's case row to test it against the selection.
// Differential: the same audit.jsonl, byte for byte, both ways, on a selection that leaves cases out.
let t: ReturnType<typeof tempDir>;
let ws: Workstation;

beforeAll(async () => {
  t = tempDir();
  ws = await workstationWith(t.dir, cases(400));
  // An event about a case the store does not hold (purged, say): its payload stays out either way.
  ws.database()
    .prepare(
      `INSERT INTO audit_events (seq, at, actor, action, case_id, payload, payload_digest, prev_hash, hash)
       SELECT seq + 1, at, actor, action, 'no-such-case', payload, payload_digest, hash, hash FROM audit_events ORDER BY seq DESC LIMIT 1`,
    )
    .run();
}, 120_000);
afterAll(() => {
  ws?.close();
  t?.cleanup();
});

/** audit.jsonl of the selection: after a whole case walk (the set), or without one (the SQL test). */
async function auditJsonl(selection: ExportSelection, walk: boolean, name: string): Promise<string> {
  const db = ws.openSnapshot();
  const pool = new FormatPool(0);
  const out = join(t.dir, `${name}.zip`);
  const zip = new ZipBundleWriter(out, new Date('2026-11-30T00:00:00Z'));
  try {
    db.prepare('BEGIN').run();
    const src = new BundleSource(db, selection, undefined, () => undefined, pool);
    if (walk) await src.eachPage('cases.csv', () => Promise.resolve());
    expect(src.selected.complete).toBe(walk);
    await writeAuditJsonl(src, zip);
    await zip.finish();
    db.prepare('COMMIT').run();
  } finally {
    db.close();
    await pool.close();
  }
  return (await readZip(out)).find((e) => e.name === 'audit.jsonl')!.data.toString('utf8');
}

describe('audit.jsonl and the selected cases', () => {
  it('redacts the same events by the marked set as by reading each case against the selection', async () => {
    const days = ws
      .database()
      .prepare<[], { d: string }>('SELECT DISTINCT substr(transfer_time, 1, 10) AS d FROM cases ORDER BY d')
      .all()
      .map((r) => r.d);
    for (const [i, selection] of [
      { from: days[0]!, to: days[Math.floor(days.length / 3)]!, jurisdiction: null, direction: null, status: null },
      { from: '2000-01-01', to: '2099-12-31', jurisdiction: null, direction: 'deposit', status: null },
    ].entries()) {
      const bySql = await auditJsonl(selection as ExportSelection, false, `sql-${i}`);
      const bySet = await auditJsonl(selection as ExportSelection, true, `set-${i}`);
      const lines = bySet.trimEnd().split('\n');
      const redacted = lines.filter((l) => l.includes('"redacted":true'));
      expect(redacted.length).toBeGreaterThan(0);
      expect(lines.length - redacted.length).toBeGreaterThan(0);
      expect(bySql.includes('"caseId":"no-such-case"')).toBe(true);
      expect(bySet).toBe(bySql);
    }
  });
});

describe('SelectedCases', () => {
  it('holds the rowids marked, grows for large ones, and is complete only after a whole walk', () => {
    const s = new SelectedCases();
    for (const r of [0, 7, 8, 40_000, 1_000_003]) s.add(r);
    expect([0, 7, 8, 40_000, 1_000_003].every((r) => s.has(r))).toBe(true);
    expect([1, 9, 39_999, 1_000_002, 5_000_000, -1].some((r) => s.has(r))).toBe(false);
    expect(s.complete).toBe(false);
    s.markWalked();
    expect(s.complete).toBe(true);
  });

  it('is never complete when a rowid is past its bound: the SQL test is kept', () => {
    const s = new SelectedCases();
    s.add(SelectedCases.MAX_ROWID);
    s.markWalked();
    expect(s.complete).toBe(false);
  });
});

// Issue 21: where audit.jsonl starts. Found by reading the oldest events in order (a broad selection has one
// among them), else from the selection's cases; both must give the least seq the plain join gives.
describe('the first audit event about a selected case', () => {
  it('is the same by a walk of any length as by the join over the cases', () => {
    const db = ws.database();
    const days = db
      .prepare<[], { d: string }>('SELECT DISTINCT substr(transfer_time, 1, 10) AS d FROM cases ORDER BY d')
      .all()
      .map((r) => r.d);
    const late = db
      .prepare<[], { j: string }>(
        `SELECT c.counterparty_jurisdiction AS j FROM audit_events e JOIN cases c ON c.id = e.case_id
         WHERE c.counterparty_jurisdiction IS NOT NULL GROUP BY j ORDER BY min(e.seq) DESC LIMIT 1`,
      )
      .get()!.j;
    const selections = [
      { from: '2000-01-01', to: '2099-12-31', jurisdiction: null, direction: null, status: null },
      { from: days.at(-1)!, to: days.at(-1)!, jurisdiction: null, direction: null, status: null },
      { from: '2000-01-01', to: '2099-12-31', jurisdiction: late, direction: null, status: null },
      { from: '2000-01-01', to: '2099-12-31', jurisdiction: null, direction: 'deposit', status: null },
      { from: '1990-01-01', to: '1990-12-31', jurisdiction: null, direction: null, status: null },
    ];
    const seen = new Set<number | null>();
    for (const selection of selections) {
      const where = selectionWhere(selection as ExportSelection);
      const joined =
        db
          .prepare<Record<string, unknown>, { seq: number | null }>(
            `SELECT min(e.seq) AS seq FROM audit_events e JOIN cases c ON c.id = e.case_id WHERE ${where.sql}`,
          )
          .get(where.params)?.seq ?? null;
      seen.add(joined);
      for (const walk of [1, 2, 50, 1_000_000])
        expect([selection, walk, firstSelectedEventSeq(db, where, walk)]).toEqual([selection, walk, joined]);
    }
    // The selections start at different events, one at none: the comparison is not of one number.
    expect(seen.size).toBeGreaterThanOrEqual(3);
    expect(seen.has(null)).toBe(true);
  });
});
