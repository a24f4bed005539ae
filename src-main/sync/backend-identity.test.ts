import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { caseFactory } from '../../reference-backend/simulate';
import { startBackend, type Backend } from '../../reference-backend/server';
import { workstationFor } from '../../test/support/sync';
import { tempDir } from '../../test/support/temp';
import { readSetting } from '../store/settings';

// Issue 18 point 3: the changes-feed cursor counts in one backend's case store. Two reference backends
// over real HTTP, one real SQLCipher vault: pointing the workstation at the second restarts the feed,
// is recorded, and loses none of the first one's cases.
const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close().catch(() => {});
});

async function backendWith(dir: string, name: string, seed: number, n: number): Promise<Backend> {
  const makeCase = caseFactory(seed);
  const b = await startBackend({ makeCase, rates: [], dbFile: join(dir, `${name}.db`) });
  opened.push(b);
  b.db.transaction(() => {
    for (let i = 0; i < n; i++) b.addCase(makeCase());
  })();
  return b;
}

describe('backend identity', () => {
  it('another backend restarts the cursor at 0, audits it, keeps the old cases and labels each by source', async () => {
    const t = tempDir();
    try {
      const a = await backendWith(t.dir, 'a', 31, 30);
      const b = await backendWith(t.dir, 'b', 32, 10);
      const one = await workstationFor(join(t.dir, 'data'), a);
      await one.engine.pull();
      const db = () => one.ws.database();
      const idA = readSetting(db(), 'sync.backend_id');
      expect(idA).toMatch(/^[0-9a-f-]{36}$/);
      expect(readSetting(db(), 'sync.cursor')).toBe(30);
      expect(one.engine.status().notice).toBeNull();
      one.ws.lock('manual');

      // The same vault, now at backend b: b's feed has only 10 entries, so the old cursor (30) would see none.
      const two = await workstationFor(join(t.dir, 'data'), b);
      const r = await two.engine.pull();
      const db2 = () => two.ws.database();
      expect(r.applied).toBe(10);
      expect((db2().prepare('SELECT count(*) AS n FROM cases').get() as { n: number }).n).toBe(40);
      expect(readSetting(db2(), 'sync.backend_id')).not.toBe(idA);
      expect(two.engine.status().notice).toMatch(
        /different backend answers at 127\.0\.0\.1:\d+.*30 cases already here stay/,
      );
      const changed = db2()
        .prepare("SELECT actor, payload FROM audit_events WHERE action = 'sync.backend_changed'")
        .all() as { actor: string; payload: string }[];
      expect(changed).toHaveLength(1);
      expect(JSON.parse(changed[0]!.payload)).toEqual({
        from: idA,
        to: readSetting(db2(), 'sync.backend_id'),
        host: new URL(b.url).host,
        previousCursor: 30,
      });
      // Each case's arrival names the backend it came from.
      const sources = db2()
        .prepare(
          "SELECT json_extract(payload, '$.backend') AS host, count(*) AS n FROM audit_events WHERE action = 'case.received' GROUP BY host ORDER BY n DESC",
        )
        .all();
      expect(sources).toEqual([
        { host: new URL(a.url).host, n: 30 },
        { host: new URL(b.url).host, n: 10 },
      ]);
      // Back at b again: the same identity, nothing restarts.
      await two.engine.pull();
      expect(
        db2().prepare("SELECT count(*) AS n FROM audit_events WHERE action = 'sync.backend_changed'").get(),
      ).toEqual({ n: 1 });
      two.ws.lock('manual');
    } finally {
      t.cleanup();
    }
  });

  it('a backendId that is not printable ASCII is refused by name and moves nothing', async () => {
    const t = tempDir();
    try {
      const a = await backendWith(t.dir, 'a', 33, 5);
      a.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('backend_id', ?)").run('bad id\n<script>');
      const one = await workstationFor(join(t.dir, 'data'), a);
      await expect(one.engine.pull()).rejects.toThrow(/backendId that is not 1-200 printable ASCII/);
      expect(readSetting(one.ws.database(), 'sync.cursor')).toBeNull();
      one.ws.lock('manual');
    } finally {
      t.cleanup();
    }
  });
});
