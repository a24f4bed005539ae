import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../src-shared/case';
import { startBackend, type Backend } from '../../reference-backend/server';
import { putCase } from '../../reference-backend/store';
import { workstationFor } from '../../test/support/sync';
import { tempDir } from '../../test/support/temp';
import type { Workstation } from '../app/workstation';
import { getCaseRecord } from '../store/cases';
import { enqueue } from '../store/outbox';
import type { SyncEngine } from '../sync/engine';
import { generateCases } from './generate';
import { importCasesFile } from './import';

// Issue 19 point 1 (and issue 17 point 3): a case enters by one door, cases/intake.ts, with the same
// rules whether it comes from a JSON Lines import, the backend's changes feed, or the case the
// backend answers a push with. Each rule is proved through each of the three, with the real
// reference backend over HTTP and a real SQLCipher database.

interface Door {
  ws: Workstation;
  /** The quarantine `source` this door writes. */
  source: string;
  /** Stores the case as the starting point (through the same door). */
  put(c: CaseRecord): Promise<void>;
  /** Delivers `value` (as JSON text) through the door. */
  deliver(value: unknown): Promise<void>;
}

let t: ReturnType<typeof tempDir>;
const backends: Backend[] = [];
const doors = new Map<string, Door>();
const engines: SyncEngine[] = [];

beforeAll(async () => {
  t = tempDir();
  // A backend per door, so one door's deliveries never reach another's workstation.
  const newBackend = async () => {
    const b = await startBackend({ testHooks: true });
    backends.push(b);
    return b;
  };
  const inject = async (backend: Backend, raw: string) => {
    const r = await fetch(`${backend.url}/v1/test/inject`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${backend.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ raw }),
    });
    expect(r.status).toBe(201);
  };

  // 1. JSON Lines import: each delivery is a one-line file.
  {
    const { ws, engine } = await workstationFor(join(t.dir, 'import'), await newBackend(), 'analyst-import');
    engines.push(engine);
    let n = 0;
    const file = (value: unknown) => {
      const f = join(t.dir, `delivery-${++n}.jsonl`);
      writeFileSync(f, JSON.stringify(value) + '\n');
      return f;
    };
    doors.set('import', {
      ws,
      source: 'import:',
      put: async (c) => void (await importCasesFile(ws.database(), file(c), ws.actor, ws.checkContext())),
      deliver: async (v) => void (await importCasesFile(ws.database(), file(v), ws.actor, ws.checkContext())),
    });
  }

  // 2. The changes feed: the backend serves the delivery as a feed line, verbatim.
  {
    const backend = await newBackend();
    const { ws, engine } = await workstationFor(join(t.dir, 'feed'), backend, 'analyst-feed');
    engines.push(engine);
    doors.set('feed', {
      ws,
      source: 'sync',
      put: async (c) => {
        await inject(backend, JSON.stringify(c));
        await engine.pull();
      },
      deliver: async (v) => {
        await inject(backend, JSON.stringify(v));
        await engine.pull();
      },
    });
  }

  // 3. The case a push is answered with: the backend holds the delivery as its case, so the
  //    counterparty's answer we push is refused (409) with that case in the body.
  {
    const backend = await newBackend();
    const { ws, engine } = await workstationFor(join(t.dir, 'push'), backend, 'analyst-push');
    engines.push(engine);
    doors.set('push', {
      ws,
      source: 'sync',
      put: async (c) => {
        putCase(backend.db, c);
        await engine.pull();
      },
      deliver: async (v) => {
        const c = v as CaseRecord;
        backend.db
          .prepare('UPDATE cases SET data = ?, version = ?, status = ? WHERE id = ?')
          .run(JSON.stringify(v), c.version, c.status, c.id);
        const db = ws.database();
        const local = getCaseRecord(db, c.id)!;
        const at = new Date().toISOString();
        db.transaction(() =>
          enqueue(db, {
            kind: 'counterparty_response',
            caseId: c.id,
            key: randomUUID(),
            baseVersion: local.version,
            payload: { outcome: 'approved', reason: null, receivedAt: at, via: 'email' },
            at,
            actor: 'Ana',
          }),
        )();
        await engine.push();
      },
    });
  }
});

afterAll(async () => {
  for (const e of engines) await e.stop();
  for (const d of doors.values()) d.ws.close();
  for (const b of backends) await b.close();
  t.cleanup();
});

let seed = 500;
/** A fresh case, completed, under an id of its own for this door and rule. */
function base(door: string): CaseRecord {
  const [c] = [...generateCases(1, { seed: seed++ })];
  return { ...c!, id: `${door}-${seed}`, status: 'completed', version: 3 };
}

const count = (ws: Workstation, sql: string, ...p: unknown[]) =>
  (
    ws
      .database()
      .prepare(sql)
      .get(...p) as { n: number }
  ).n;

const REFUSED: { rule: string; next: (b: CaseRecord) => unknown; reason: RegExp }[] = [
  {
    rule: 'the strict schema: an unknown field',
    next: (b) => ({ ...b, version: b.version + 1, surprise: true }),
    reason: /Unrecognized key.*surprise/,
  },
  {
    rule: 'readable IVMS101',
    next: (b) => ({ ...b, version: b.version + 1, ivms101: { hello: 'world' } }),
    reason: /^ivms101: not an IVMS101 payload/,
  },
  {
    rule: 'no backward status move',
    next: (b) => ({ ...b, version: b.version + 1, status: 'pending_review' }),
    reason: /moves backwards in its lifecycle, from completed to pending_review/,
  },
  // Issue 17 point 3: one (id, version), one content. The second content is a conflict, not "unchanged".
  {
    rule: 'the same (id, version) with different content',
    next: (b) => ({ ...b, amount: '424242.5' }),
    reason: /^conflict: version 3 of case \S+ differs from the stored version 3 \(amount\)$/,
  },
];

describe.each(['import', 'feed', 'push'])('a case through the %s', (name) => {
  const door = () => doors.get(name)!;

  it.each(REFUSED)(
    'is refused by $rule: quarantined with its reason, the stored case untouched',
    async ({ next, reason }) => {
      const { ws, source, put, deliver } = door();
      const b = base(name);
      await put(b);
      const stored = getCaseRecord(ws.database(), b.id);
      expect(stored).toMatchObject({ version: 3, status: 'completed' });
      const events = count(ws, 'SELECT count(*) AS n FROM audit_events WHERE case_id = ?', b.id);
      const before = count(ws, 'SELECT max(id) AS n FROM quarantine') ?? 0;

      await deliver(next(b));

      const q = ws
        .database()
        .prepare('SELECT source, location, reason, raw FROM quarantine WHERE id > ? ORDER BY id')
        .all(before) as { source: string; location: string; reason: string; raw: string }[];
      expect(q).toHaveLength(1);
      expect(q[0]!.source.startsWith(source)).toBe(true);
      expect(q[0]!.reason).toMatch(reason);
      expect(q[0]!.raw).toContain(`"id":"${b.id}"`); // the evidence is kept as it came
      expect(getCaseRecord(ws.database(), b.id)).toEqual(stored);
      expect(count(ws, 'SELECT count(*) AS n FROM audit_events WHERE case_id = ?', b.id)).toBe(events);
    },
  );

  it('takes an identical replay as unchanged (nothing stored, audited or quarantined), and a newer version as an update', async () => {
    const { ws, put, deliver } = door();
    const b = base(name);
    await put(b);
    const stored = getCaseRecord(ws.database(), b.id);
    const events = count(ws, 'SELECT count(*) AS n FROM audit_events WHERE case_id = ?', b.id);
    const quarantined = count(ws, 'SELECT count(*) AS n FROM quarantine');

    // The same content with its keys in another order is the same content.
    await deliver(Object.fromEntries(Object.entries(b).reverse()));
    expect(getCaseRecord(ws.database(), b.id)).toEqual(stored);
    expect(count(ws, 'SELECT count(*) AS n FROM audit_events WHERE case_id = ?', b.id)).toBe(events);
    expect(count(ws, 'SELECT count(*) AS n FROM quarantine')).toBe(quarantined);

    await deliver({ ...b, version: 4, updatedAt: '2026-01-02T03:04:05.000Z' });
    expect(getCaseRecord(ws.database(), b.id)).toMatchObject({ version: 4, updatedAt: '2026-01-02T03:04:05.000Z' });
    const last = ws
      .database()
      .prepare('SELECT actor, action, payload FROM audit_events WHERE case_id = ? ORDER BY seq DESC LIMIT 1')
      .get(b.id) as { actor: string; action: string; payload: string };
    expect(last.action).toBe('case.updated');
    expect(JSON.parse(last.payload)).toMatchObject({ version: 4, status: 'completed' });
    // Checked in the same door: the new version's checks are stored.
    expect(count(ws, 'SELECT count(*) AS n FROM case_checks WHERE case_id = ?', b.id)).toBeGreaterThan(0);
    expect(count(ws, 'SELECT count(*) AS n FROM quarantine')).toBe(quarantined);
  });
});
