import { setImmediate as nextTick } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDb } from '../../test/support/db';
import { tempDir } from '../../test/support/temp';
import type { LogFields, Logger } from '../platform/log';
import type { WritableDB } from '../store/db';
import { recordPurgeRun, scheduleDailyPurge } from './schedule';

let t: ReturnType<typeof tempDir>;
let db: WritableDB;
const stops: (() => void)[] = [];
beforeEach(() => {
  t = tempDir();
  db = openTestDb(t.dir).db;
});
afterEach(() => {
  stops.splice(0).forEach((s) => s());
  db.close();
  t.cleanup();
});

const NOW = Date.parse('2026-11-29T12:00:00.000Z');
function run(o: { enabled?: boolean; fail?: boolean } = {}) {
  const calls: string[] = [];
  const errors: [string, LogFields | undefined][] = [];
  const log: Logger = { info() {}, warn() {}, error: (e, f) => void errors.push([e, f]) };
  stops.push(
    scheduleDailyPurge({
      db: () => db,
      enabled: () => o.enabled ?? true,
      now: () => NOW,
      purge: () => {
        calls.push('purge');
        if (o.fail) throw new Error('disk_full');
      },
      log,
    }),
  );
  return { calls, errors };
}

describe('the daily purge schedule (retention/schedule.ts)', () => {
  it('purges at unlock when it never ran, or last ran a day or more ago', async () => {
    const first = run();
    await nextTick();
    expect(first.calls).toEqual(['purge']);
    recordPurgeRun(db, new Date(NOW - 24 * 3600_000).toISOString());
    const again = run();
    await nextTick();
    expect(again.calls).toEqual(['purge']);
  });

  it('waits when the last run is less than a day old, and does nothing when switched off', async () => {
    recordPurgeRun(db, new Date(NOW - 23 * 3600_000).toISOString());
    const recent = run();
    await nextTick();
    expect(recent.calls).toEqual([]);
    recordPurgeRun(db, '2000-01-01T00:00:00.000Z');
    const off = run({ enabled: false });
    await nextTick();
    expect(off.calls).toEqual([]);
  });

  it('a failing purge is logged with its reason and does not throw out of the timer', async () => {
    const r = run({ fail: true });
    await nextTick();
    expect(r.calls).toEqual(['purge']);
    expect(r.errors).toEqual([['retention.failed', { message: 'disk_full' }]]);
  });
});
