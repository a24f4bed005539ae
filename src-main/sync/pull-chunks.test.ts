import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBackend, type Backend } from '../../reference-backend/server';
import { workstationFor } from '../../test/support/sync';
import { tempDir } from '../../test/support/temp';
import { generateCases } from '../cases/generate';
import type { ReadableDB } from '../store/db';
import { readSetting } from '../store/settings';
import { BackendClient } from './client';
import { PULL_CHUNK } from './engine';

// A pull writes each page in transactions of PULL_CHUNK cases, each with the cursor of its last case, and
// lets the thread's other work (the analyst's queue queries) run between them: before, a page of 500 was
// one transaction, and the queue waited behind it (p95 1.5 s, max 4.5 s during a 20,000-case pull at load 9,
// bench/suites/sync.ts). What is committed is always consistent with the cursor stored beside it.

let t: ReturnType<typeof tempDir>;
const closers: (() => Promise<unknown>)[] = [];
beforeEach(() => (t = tempDir()));
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c().catch(() => {})));
  t.cleanup();
});

/** What another task on the thread sees between the pull's transactions: (cases stored, cursor stored). */
function watch(db: () => ReadableDB): { seen: [number, number][]; stop: () => void } {
  const seen: [number, number][] = [];
  let on = true;
  const tick = () => {
    if (!on) return;
    const n = (db().prepare('SELECT count(*) AS n FROM cases').get() as { n: number }).n;
    const c = Number(readSetting(db(), 'sync.cursor') ?? 0);
    const prev = seen[seen.length - 1];
    if (!prev || prev[0] !== n || prev[1] !== c) seen.push([n, c]);
    setImmediate(tick);
  };
  setImmediate(tick);
  return { seen, stop: () => (on = false) };
}

describe('a pull, a chunk of cases per transaction', () => {
  it('commits each chunk with the cursor of its last case, and the thread runs other work between chunks', async () => {
    const b: Backend = await startBackend({ testHooks: true });
    closers.push(() => b.close());
    b.db.transaction(() => {
      for (const c of generateCases(250, { seed: 3 })) b.addCase({ ...c, status: 'pending_review' });
    })();
    const feed = await new BackendClient(b.url, b.token, 'analyst-1').changes(0);
    expect(feed.items).toHaveLength(250);
    const cursorAt = (n: number) => feed.items[n - 1]!.cursor!;
    const { ws, engine } = await workstationFor(join(t.dir, 'ws'), b);
    const w = watch(() => ws.database());
    const r = await engine.pull();
    w.stop();
    expect(r).toMatchObject({ received: 250, applied: 250, quarantined: 0 });
    expect(PULL_CHUNK).toBe(100);
    // Seen from outside the pull: nothing, then 100 cases with the 100th's cursor, 200 with the 200th's, all.
    expect(w.seen).toEqual([
      [0, 0],
      [100, cursorAt(100)],
      [200, cursorAt(200)],
      [250, feed.next],
    ]);
    ws.lock('manual');
  });

  it('never stores a mid-page cursor a later case of the page is behind (a resume would skip it)', async () => {
    // A hostile backend: 250 lines (not cases: each is quarantined, and the rest of the page goes on); the
    // 100th claims cursor 240, ahead of the 101st–199th (101–199): stored, a stop after the first chunk would
    // resume past them. The 200th's, 200, is below every later one's.
    const cursors = Array.from({ length: 250 }, (_, i) => (i === 99 ? 240 : i + 1));
    const body =
      cursors.map((c) => JSON.stringify({ cursor: c, case: { id: `not-a-case-${c}` } })).join('\n') +
      '\n' +
      JSON.stringify({ next: 250, hasMore: false }) +
      '\n';
    const server: Server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/v1/health') return res.end(JSON.stringify({ ok: true, cursor: 250, backendId: 'hostile-1' }));
      if (path === '/v1/changes') {
        res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
        return res.end(req.url?.includes('after=0') ? body : JSON.stringify({ next: 250, hasMore: false }) + '\n');
      }
      return res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    closers.push(() => new Promise((r) => server.close(r)));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const { ws, engine } = await workstationFor(join(t.dir, 'ws'), { url, token: 'token-123456' });
    const cursors_: number[] = [];
    const w = watch(() => ws.database());
    const r = await engine.pull();
    w.stop();
    for (const [, c] of w.seen) cursors_.push(c);
    expect(r).toMatchObject({ received: 250, applied: 0, quarantined: 250 });
    // 0 at first, never 240; the 200th's, then the page's end.
    expect(cursors_).toEqual([0, 200, 250]);
    ws.lock('manual');
  });
});
