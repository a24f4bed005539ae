import { join } from 'node:path';
import { loadavg } from 'node:os';
import { Workstation } from '../src-main/app/workstation';
import { DB_FILE, openDatabase } from '../src-main/store/db';
import { signIn } from '../src-main/vault/vault';
import { BENCH_PASSPHRASE, millionCaseDataDir } from './million';

// The first unlock after an update that adds a migration, at a million cases (issue 21): the store is
// put back to schema 24 (queue_rows dropped, as before migration 0025), then unlocked while a 10 ms
// timer on the main thread records its longest wait. Usage: npx tsx bench/upgrade-stall.ts
// (rebuilds the million-case store's queue_rows: about a minute).

const dir = await millionCaseDataDir();
const { key } = await signIn(dir, undefined, BENCH_PASSPHRASE);
const db = openDatabase(join(dir, DB_FILE), key, { migrate: false });
const triggers = db
  .prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'queue_rows_%'`)
  .all() as { name: string }[];
for (const { name } of triggers) db.exec(`DROP TRIGGER ${name}`);
db.exec('DROP TABLE IF EXISTS queue_rows; PRAGMA user_version = 24;');
db.close();
key.fill(0);

let last = performance.now();
let longest = 0;
const timer = setInterval(() => {
  const now = performance.now();
  longest = Math.max(longest, now - last);
  last = now;
}, 10);
const ws = new Workstation({ dataDir: dir, mode: 'cli', actor: 'bench' });
const t0 = performance.now();
const load = loadavg()[0]!.toFixed(2);
await ws.unlock(BENCH_PASSPHRASE);
const ms = performance.now() - t0;
// One more turn of the timer: a block that ended the unlock is only seen when the timer fires after it.
await new Promise((r) => setTimeout(r, 50));
clearInterval(timer);
ws.lock('manual');
console.log(
  `unlock with migration 0025 at a million cases: ${(ms / 1000).toFixed(1)} s; longest main-thread wait ${longest.toFixed(0)} ms; load ${load}→${loadavg()[0]!.toFixed(2)}`,
);
