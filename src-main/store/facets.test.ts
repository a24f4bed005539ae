import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases, workstationWith } from '../../test/support/export';
import { tempDir } from '../../test/support/temp';
import type { Workstation } from '../app/workstation';
import { caseFacets, getCaseRecord, upsertCase } from './cases';
import type { WritableDB } from './db';

// The queue's filter choices on a real SQLCipher store. Assets, jurisdictions and counterparties are read from
// queue_counts since migrations 0021 and 0027 dropped their indexes on cases: they must stay the distinct values
// of the cases themselves, also after a case changes to a value no other case has, or away from it.
let t: ReturnType<typeof tempDir>;
let ws: Workstation;
let db: WritableDB;

beforeAll(async () => {
  t = tempDir();
  ws = await workstationWith(t.dir, cases(300, { seed: 41 }));
  db = ws.database();
}, 60_000);
afterAll(() => {
  ws?.close();
  t?.cleanup();
});

const distinct = (column: string) =>
  (
    db
      .prepare(`SELECT DISTINCT ${column} AS v FROM cases NOT INDEXED WHERE ${column} IS NOT NULL ORDER BY v`)
      .all() as { v: string }[]
  ).map((r) => r.v);

describe('the queue facets', () => {
  it('offer the distinct assets, jurisdictions and counterparties of the stored cases', () => {
    const f = caseFacets(db);
    expect(f.assets).toEqual(distinct('asset'));
    expect(f.jurisdictions).toEqual(distinct('counterparty_jurisdiction'));
    expect(f.assets.length).toBeGreaterThan(1);
    expect(f.jurisdictions.length).toBeGreaterThan(1);
    expect(f.counterparties.map((c) => c.vaspId).sort()).toEqual(distinct('counterparty_vasp_id'));
    // Each named as on its latest transfer (counterparty_names, migration 0027), read here from the cases.
    const latest = db.prepare(
      'SELECT counterparty_name AS n FROM cases NOT INDEXED WHERE counterparty_vasp_id = ? ORDER BY transfer_time DESC LIMIT 1',
    );
    for (const c of f.counterparties) expect(c.name, c.vaspId).toBe((latest.get(c.vaspId) as { n: string }).n);
    expect(f.counterparties.map((c) => c.name)).toEqual(
      f.counterparties.map((c) => c.name).sort((a, b) => a.localeCompare(b)),
    );
  });

  it('follow a case that moves to a value no other case has, and back', () => {
    const id = (db.prepare('SELECT id FROM cases ORDER BY id LIMIT 1').get() as { id: string }).id;
    const rec = getCaseRecord(db, id)!;
    const names = { originator: null, beneficiary: null };
    const write = (asset: string, version: number) =>
      upsertCase(db, { ...rec, asset, version, updatedAt: new Date().toISOString() }, new Date().toISOString(), names);
    expect(write('ZZTEST', rec.version + 1)).toBe('updated');
    expect(caseFacets(db).assets).toContain('ZZTEST');
    expect(caseFacets(db).assets).toEqual(distinct('asset'));
    expect(write(rec.asset, rec.version + 2)).toBe('updated');
    expect(caseFacets(db).assets).not.toContain('ZZTEST');
    expect(caseFacets(db).assets).toEqual(distinct('asset'));
  });
});
