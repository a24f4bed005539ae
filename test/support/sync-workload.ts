// A workstation doing a day's work in a loop: pull, decide every undecided case, push the outbox.
// The SIGKILL test kills this process at random moments and starts it again.
import { silentLogger } from '../../src-main/platform/log';
import { Workstation } from '../../src-main/app/workstation';
import { recordDecision } from '../../src-main/cases/decide';
import { BackendClient } from '../../src-main/sync/client';
import { SyncEngine } from '../../src-main/sync/engine';
import { AppError } from '../../src-shared/result';

const [dataDir = '', url = '', token = ''] = process.argv.slice(2);
const ws = new Workstation({ dataDir, mode: 'cli', actor: 'workload' });
if (ws.status().vault === 'absent') await ws.createVault('workload passphrase 1');
else await unlockAsAUserWould();

/**
 * A kill during the passphrase derivation leaves that attempt counted (the throttle reserves it before the
 * slow step, and fails closed), so after a few such kills the next start is told to wait: it waits, as
 * an analyst would, and tries again.
 */
async function unlockAsAUserWould(): Promise<void> {
  for (;;) {
    try {
      await ws.unlock('workload passphrase 1');
      return;
    } catch (e) {
      const wait = e instanceof AppError && e.code === 'throttled' ? e.details?.retryAfterSeconds : undefined;
      if (typeof wait !== 'number') throw e;
      await new Promise((r) => setTimeout(r, wait * 1000));
    }
  }
}
const engine = new SyncEngine(
  () => ws.database(),
  new BackendClient(url, token, 'workload'),
  () => ws.checkContext(),
  null,
  silentLogger,
);
for (;;) {
  await engine.pull();
  const db = ws.database();
  const open = db
    .prepare(
      "SELECT c.id FROM cases c WHERE c.status = 'pending_review' AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.case_id = c.id) ORDER BY c.id LIMIT 3",
    )
    .all() as { id: string }[];
  for (const { id } of open)
    recordDecision(db, {
      caseId: id,
      kind: id.endsWith('1') ? 'reject' : 'accept',
      reasonCodes: [],
      analyst: 'workload',
    });
  engine.retryNow();
  await engine.push();
  const pending = (db.prepare("SELECT count(*) AS n FROM outbox WHERE state = 'pending'").get() as { n: number }).n;
  if (open.length === 0 && pending === 0) break;
}
process.stdout.write('done\n');
ws.close();
