import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases, readZip, workstationWith } from '../../test/support/export';
import { tempDir } from '../../test/support/temp';
import type { Workstation } from '../app/workstation';
import { recordDecision } from '../cases/decide';
import { importCasesFile } from '../cases/import';
import { createExport, type Manifest } from './create';
import { verifyExport } from './verify';

// An export reads through ONE connection in ONE read transaction (one snapshot), and its worker
// threads only format and deflate what that connection read: every file describes the same moment
// even while the store is written to during the export. 1,200 cases: five pages of 250, so writes
// land between pages of the same pass.
const N = 1_200;
const ALL = { from: '2000-01-01', to: '2099-12-31', jurisdiction: null, direction: null, status: null };
let t: ReturnType<typeof tempDir>;
let ws: Workstation;

beforeAll(async () => {
  t = tempDir();
  ws = await workstationWith(t.dir, cases(N));
}, 120_000);
afterAll(() => {
  ws?.close();
  t?.cleanup();
});

const lines = (b: Buffer) => b.toString('utf8').split('\n').filter(Boolean);
const fileOf = (entries: { name: string; data: Buffer }[], name: string) => entries.find((e) => e.name === name)!.data;

describe('an export on worker threads', () => {
  it('writes every file from the snapshot it started with while the store is written to, and verifies', async () => {
    const db = ws.database();
    ws.signingKey(); // made (and audited) on first use, before the export's snapshot
    const before = {
      cases: db.prepare('SELECT id, status, version FROM cases ORDER BY id').all() as {
        id: string;
        status: string;
        version: number;
      }[],
      checks: (db.prepare('SELECT count(*) AS n FROM case_checks').get() as { n: number }).n,
      head: db.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() as {
        seq: number;
        hash: string;
      },
    };
    const pending = (
      db.prepare("SELECT id FROM cases WHERE status = 'pending_review' ORDER BY id DESC LIMIT 3").all() as {
        id: string;
      }[]
    ).map((r) => r.id);
    const newcomer = cases(1, { seed: 99 })[0]!;
    const newcomerFile = join(t.dir, 'newcomer.jsonl');
    writeFileSync(newcomerFile, JSON.stringify(newcomer) + '\n');
    // Between pages of the case pass and later: a decision on a case not yet read (the last ids),
    // a new case, and the audit events both append to the chain.
    const during: string[] = [];
    let imported: Promise<unknown> = Promise.resolve();
    const write = (phase: string) => {
      const id = pending[during.length];
      if (!id) return;
      recordDecision(db, { caseId: id, kind: 'accept', reasonCodes: [], analyst: 'analyst-b' });
      if (during.length === 0) imported = importCasesFile(db, newcomerFile, 'analyst-b', ws.checkContext());
      during.push(`${phase}: ${id}`);
    };
    const out = join(t.dir, 'during.zip');
    const r = await ws.createExport(ALL, out, {
      onProgress: (p) => {
        // Two between pages of the case pass, the third once the audit stretch is being read.
        if ((p.phase === 'cases.csv' && p.done > 0 && p.done < N && during.length < 2) || p.phase === 'audit.jsonl')
          write(p.phase);
      },
    });
    await imported;
    // The writes happened, mid-pass and before the audit stretch was read, and reached the store.
    expect(during.length).toBe(3);
    expect(during.filter((d) => d.startsWith('cases.csv'))).toHaveLength(2);
    expect(
      (db.prepare("SELECT count(*) AS n FROM decisions WHERE analyst = 'analyst-b'").get() as { n: number }).n,
    ).toBe(3);
    expect(db.prepare('SELECT 1 FROM cases WHERE id = ?').get(newcomer.id)).toBeTruthy();
    expect(r.workers).toBeGreaterThan(0); // formatted on worker threads, not in-line

    const report = await verifyExport(out, { publicKeyPem: readFileSync(r.publicKeyFile, 'utf8') });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);

    const entries = await readZip(out);
    const ids = before.cases.map((c) => c.id);
    const csv = fileOf(entries, 'cases.csv').toString('utf8').split('\r\n').filter(Boolean).slice(1);
    expect(csv.map((l) => l.split(',')[0])).toEqual(ids);
    const records = lines(fileOf(entries, 'cases.jsonl')).map(
      (l) => JSON.parse(l) as { id: string; status: string; version: number },
    );
    // Each case as it was at the start: the decided ones still pending, at their old version.
    expect(records.map((c) => ({ id: c.id, status: c.status, version: c.version }))).toEqual(before.cases);
    const evaluations = lines(fileOf(entries, 'evaluations.jsonl')).map((l) => JSON.parse(l) as { caseId: string });
    expect(evaluations).toHaveLength(before.checks);
    expect(new Set(evaluations.map((e) => e.caseId))).toEqual(new Set(ids));
    expect(lines(fileOf(entries, 'decisions.csv')).slice(1)).toEqual([]);
    const audit = lines(fileOf(entries, 'audit.jsonl')).map((l) => JSON.parse(l) as { seq: number; hash: string });
    expect(audit.at(-1)).toMatchObject(before.head);
    const manifest = JSON.parse(fileOf(entries, 'manifest.json').toString('utf8')) as Manifest;
    expect(manifest.counts.cases).toBe(N);
    expect(manifest.audit?.lastHash).toBe(before.head.hash);
  }, 120_000);

  it('writes the same bytes on worker threads as on one thread', async () => {
    const now = new Date('2026-11-30T04:00:00Z');
    const manifests: Manifest[] = [];
    for (const workers of [2, 0]) {
      const snapshot = ws.openSnapshot();
      try {
        const r = await createExport(snapshot, {
          selection: ALL,
          out: join(t.dir, `same-${workers}.zip`),
          key: ws.signingKey(),
          software: { name: 'Waybill', version: 'test' },
          homeJurisdiction: 'DE',
          now,
          workers,
        });
        expect(r.workers).toBe(workers);
      } finally {
        snapshot.close();
      }
      const entries = await readZip(join(t.dir, `same-${workers}.zip`));
      manifests.push(JSON.parse(fileOf(entries, 'manifest.json').toString('utf8')) as Manifest);
    }
    expect(manifests[0]!.files.map((f) => f.path)).toContain('evaluations.jsonl');
    expect(manifests[0]!.files).toEqual(manifests[1]!.files);
  }, 120_000);
});
