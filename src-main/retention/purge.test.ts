import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../src-shared/case';
import { cases, workstationWith } from '../../test/support/export';
import { runCli, ROOT } from '../../test/support/cli';
import { TEST_PASSPHRASE, tempDir } from '../../test/support/temp';
import type { Workstation } from '../app/workstation';
import { verifyAudit } from '../audit/chain';
import { recordDecision } from '../cases/decide';
import { importCasesFile } from '../cases/import';
import { displayNames } from '../ivms101/display-names';
import { upsertCase } from '../store/cases';
import { setLegalHold } from './holds';
import { addYears } from './purge';

// The oracle reads the rule files itself: what the pack says a jurisdiction keeps records for.
const RULES = join(ROOT, 'resources', 'rules');
const years = new Map(
  readdirSync(RULES)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      const j = JSON.parse(readFileSync(join(RULES, f), 'utf8')) as { retentionYears: number };
      return [f.replace('.json', ''), j.retentionYears] as const;
    }),
);
const CLOSED = new Set(['accepted', 'rejected', 'counterparty_rejected', 'completed', 'expired', 'canceled']);
const TODAY = '2026-11-22';

/** Ten years of cases: about half closed, counterparties from everywhere the generator knows (TR among them). */
function tenYears(): CaseRecord[] {
  return cases(600, { seed: 11, start: new Date('2016-06-01T00:00:00Z'), end: new Date('2026-11-20T00:00:00Z') }).map(
    (c, i) => ({
      ...c,
      status:
        i % 2 === 0
          ? (['completed', 'rejected', 'accepted', 'canceled'] as const)[i % 4 === 0 ? 0 : 1 + (i % 3)]!
          : c.status,
      updatedAt: c.transferTime,
    }),
  );
}

function expectedExpired(list: CaseRecord[], exclude: Set<string>): string[] {
  return list
    .filter((c) => {
      if (!CLOSED.has(c.status) || exclude.has(c.id)) return false;
      const cp = c.counterparty?.jurisdiction;
      const y = Math.max(years.get('DE')!, cp ? (years.get(cp) ?? 5) : 0);
      return addYears(c.transferTime.slice(0, 10), y) <= TODAY;
    })
    .map((c) => c.id)
    .sort();
}

let t: ReturnType<typeof tempDir>;
let ws: Workstation;
let list: CaseRecord[];
beforeEach(async () => {
  t = tempDir();
  list = tenYears();
  ws = await workstationWith(t.dir, list);
});
afterEach(() => {
  ws.close();
  t.cleanup();
});

describe('retention purge', () => {
  it('removes exactly the expired cases not on hold, leaves tombstones, and the audit trail still verifies', () => {
    const db = ws.database();
    const candidates = expectedExpired(list, new Set());
    expect(candidates.length).toBeGreaterThan(100);
    expect(list.some((c) => c.counterparty?.jurisdiction === 'TR' && CLOSED.has(c.status))).toBe(true);
    const held = candidates.slice(0, 3);
    for (const id of held) setLegalHold(db, id, 'Court order 44/2026', 'mlro');

    // A decision that has not reached the backend keeps its case until it has.
    const open = list.find((c) => c.status === 'pending_review' && addYears(c.transferTime.slice(0, 10), 10) <= TODAY)!;
    recordDecision(db, { caseId: open.id, kind: 'reject', reasonCodes: ['X'], analyst: 'a', at: open.transferTime });
    upsertCase(
      db,
      { ...open, status: 'rejected', version: open.version + 1 },
      open.transferTime,
      displayNames(open.ivms101),
    );
    const unsynced = open.id;

    const expected = expectedExpired(list, new Set(held));
    const dry = ws.purgeExpired(true, TODAY);
    expect(dry.purged.map((p) => p.caseId).sort()).toEqual(expected);
    expect(dry.held.map((h) => h.caseId).sort()).toEqual([...held].sort());
    expect(dry.unsynced.map((h) => h.caseId)).toEqual([unsynced]);
    expect((db.prepare('SELECT count(*) AS n FROM cases').get() as { n: number }).n).toBe(list.length); // a dry run changes nothing

    const wallets = new Map(list.map((c) => [c.id, c.originatorWallet]));
    const report = ws.purgeExpired(false, TODAY);
    expect(report.purged.map((p) => p.caseId).sort()).toEqual(expected);
    const remaining = new Set((db.prepare('SELECT id FROM cases').all() as { id: string }[]).map((r) => r.id));
    expect(remaining.size).toBe(list.length - expected.length);
    for (const id of expected) expect(remaining.has(id)).toBe(false);
    for (const id of [...held, unsynced]) expect(remaining.has(id)).toBe(true);

    // Tombstones: one per purged case, with the digest of what went and its audit event.
    const stones = db
      .prepare('SELECT case_id, removed_digest, audit_seq, retention_years FROM retention_tombstones ORDER BY case_id')
      .all() as { case_id: string; removed_digest: string; audit_seq: number; retention_years: number }[];
    expect(stones.map((s) => s.case_id)).toEqual(expected);
    for (const s of stones) {
      expect(s.removed_digest).toMatch(/^[0-9a-f]{64}$/);
      const e = db.prepare('SELECT action, case_id FROM audit_events WHERE seq = ?').get(s.audit_seq) as {
        action: string;
        case_id: string;
      };
      expect(e).toEqual({ action: 'retention.purged', case_id: s.case_id });
    }
    expect(stones.some((s) => s.retention_years === 8)).toBe(true); // a Turkish counterparty keeps 8 years

    // Nothing personal of a purged case is left in any table.
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as {
        name: string;
      }[]
    ).map((r) => r.name);
    for (const id of expected.slice(0, 25)) {
      const wallet = wallets.get(id)!;
      for (const table of tables) {
        const rows = db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[];
        expect(
          rows.some((r) => JSON.stringify(r).includes(wallet)),
          `${table} still mentions a purged wallet`,
        ).toBe(false);
      }
    }
    // The queue's copy of the row (names included, migration 0025) went with the case.
    const queued = db.prepare('SELECT count(*) AS n FROM queue_rows WHERE id = ?');
    for (const id of expected) expect((queued.get(id) as { n: number }).n, id).toBe(0);
    expect(verifyAudit(db)).toMatchObject({ ok: true });
  });

  it('does not take a purged case back when the backend or an import sends it again', async () => {
    const expected = expectedExpired(list, new Set());
    ws.purgeExpired(false, TODAY);
    const file = join(t.dir, 'import.jsonl');
    const again = await importCasesFile(ws.database(), file, 'analyst-a', ws.checkContext());
    expect(again.purged).toBe(expected.length);
    expect(again.inserted).toBe(0);
    expect((ws.database().prepare('SELECT count(*) AS n FROM cases').get() as { n: number }).n).toBe(
      list.length - expected.length,
    );
  });

  it('a second run finds nothing more; releasing a hold lets the case go', () => {
    const expected = expectedExpired(list, new Set());
    setLegalHold(ws.database(), expected[0]!, 'Audit request', 'mlro');
    expect(ws.purgeExpired(false, TODAY).purged).toHaveLength(expected.length - 1);
    expect(ws.purgeExpired(false, TODAY).purged).toHaveLength(0);
    setLegalHold(ws.database(), expected[0]!, null, 'mlro');
    expect(ws.purgeExpired(false, TODAY).purged.map((p) => p.caseId)).toEqual([expected[0]]);
    const actions = (
      ws.database().prepare("SELECT action FROM audit_events WHERE action LIKE 'case.legal_hold%'").all() as {
        action: string;
      }[]
    ).map((r) => r.action);
    expect(actions).toEqual(['case.legal_hold_set', 'case.legal_hold_released']);
  });

  it('the CLI lists on a dry run and purges for real', async () => {
    const expected = expectedExpired(list, new Set());
    ws.close();
    const env = { WAYBILL_PASSPHRASE: TEST_PASSPHRASE };
    const dry = await runCli(['retention', 'purge', '--data-dir', t.dir, '--dry-run', '--today', TODAY], env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`Would purge ${expected.length} case(s)`);
    for (const id of expected) expect(dry.stdout).toContain(id);
    const real = await runCli(['retention', 'purge', '--data-dir', t.dir, '--today', TODAY], env);
    expect(real.stdout).toContain(`Purged ${expected.length} case(s)`);
    await ws.unlock(TEST_PASSPHRASE);
    expect((ws.database().prepare('SELECT count(*) AS n FROM retention_tombstones').get() as { n: number }).n).toBe(
      expected.length,
    );
  }, 60_000);
});
