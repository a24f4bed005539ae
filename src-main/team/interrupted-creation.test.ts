import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp';
import { Workstation } from '../app/workstation';
import { verifyAudit } from '../audit/chain';
import { createVault } from '../vault/vault';

// A process killed while creating its vault (found by the 20-SIGKILL sync workload under load): the key slot
// was on disk, the first supervisor's record was not, and every later sign-in was refused as "not an active
// analyst" — the creator locked out of their own vault. The creator's sign-in now completes the creation.

let t: ReturnType<typeof tempDir>;
beforeEach(() => (t = tempDir()));
afterEach(() => t.cleanup());

describe('a vault whose creation was cut short', () => {
  it('lets its creator in as the first supervisor, audited, and only once', async () => {
    // The state a kill leaves: vault.json with the creator's slot, no database row for them.
    await createVault(t.dir, 'creator passphrase 1', { analyst: 'ana' });
    const ws = new Workstation({ dataDir: t.dir, mode: 'cli' });
    const status = await ws.unlock('creator passphrase 1', 'ana');
    expect(status).toMatchObject({ vault: 'unlocked' });
    const db = ws.database();
    expect(db.prepare('SELECT name, role, state FROM analysts').all()).toEqual([
      { name: 'ana', role: 'supervisor', state: 'active' },
    ]);
    const actions = (db.prepare('SELECT action FROM audit_events ORDER BY seq').all() as { action: string }[]).map(
      (r) => r.action,
    );
    expect(actions).toEqual(['analyst.enrolled', 'vault.created', 'vault.unlocked']);
    expect(verifyAudit(db).ok).toBe(true);
    ws.close();

    // The next sign-in is an ordinary one.
    const again = new Workstation({ dataDir: t.dir, mode: 'cli' });
    await again.unlock('creator passphrase 1', 'ana');
    const count = again
      .database()
      .prepare("SELECT count(*) AS n FROM audit_events WHERE action = 'vault.created'")
      .get();
    expect(count).toEqual({ n: 1 });
    again.close();
  });

  it('does not let a wrong passphrase complete anything', async () => {
    await createVault(t.dir, 'creator passphrase 1', { analyst: 'ana' });
    const ws = new Workstation({ dataDir: t.dir, mode: 'cli' });
    await expect(ws.unlock('not the passphrase', 'ana')).rejects.toMatchObject({ code: 'wrong_passphrase' });
    ws.close();
  });
});
