import { silentLogger } from '../../src-main/platform/log';
import { Workstation } from '../../src-main/app/workstation';
import { BackendClient } from '../../src-main/sync/client';
import { SyncEngine } from '../../src-main/sync/engine';
import type { Backend } from '../../reference-backend/server';
import { TEST_PASSPHRASE } from './temp';

/** A workstation with its own data folder, and a sync engine pointed at a backend. */
export async function workstationFor(dataDir: string, backend: Pick<Backend, 'url' | 'token'>, actor = 'analyst-1') {
  const ws = new Workstation({ dataDir, mode: 'cli', actor });
  if (ws.status().vault === 'absent') await ws.createVault(TEST_PASSPHRASE);
  else await ws.unlock(TEST_PASSPHRASE);
  const engine = new SyncEngine(
    () => ws.database(),
    new BackendClient(backend.url, backend.token, actor),
    () => ws.checkContext(),
    ws.events,
    silentLogger,
  );
  return { ws, engine };
}
