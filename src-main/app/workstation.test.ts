import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_PASSPHRASE, tempDir } from '../../test/support/temp';
import { verifyAudit } from '../audit/chain';
import { Workstation } from './workstation';

let t: ReturnType<typeof tempDir>;
let ws: Workstation;
beforeEach(() => {
  t = tempDir();
  ws = new Workstation({ dataDir: t.dir, mode: 'cli', actor: 'analyst-test' });
});
afterEach(() => {
  ws.close();
  t.cleanup();
});

describe('workstation', () => {
  it('goes absent → unlocked → locked → unlocked, and audits each step', async () => {
    expect(ws.status().vault).toBe('absent');
    expect(() => ws.database()).toThrow(/No vault exists/);
    expect((await ws.createVault(TEST_PASSPHRASE)).vault).toBe('unlocked');
    expect(ws.lock().vault).toBe('locked');
    expect(() => ws.database()).toThrow(/locked/);
    await ws.unlock(TEST_PASSPHRASE);
    const actions = (
      ws.database().prepare('SELECT action FROM audit_events ORDER BY seq').all() as { action: string }[]
    ).map((r) => r.action);
    // The creator is enrolled as the first supervisor in the same breath as the vault is created.
    expect(actions).toEqual(['analyst.enrolled', 'vault.created', 'vault.locked', 'vault.unlocked']);
    expect(verifyAudit(ws.database()).ok).toBe(true);
  });

  it('locks itself after the idle time and tells the UI why', async () => {
    const w = new Workstation({ dataDir: join(t.dir, 'browser'), mode: 'browser', actor: 'analyst-test' });
    await w.createVault(TEST_PASSPHRASE);
    w.updatePreferences({ idleLockMinutes: 0.05 }); // 3 s
    const locked = new Promise<string>((resolve) =>
      w.events.subscribe((name, p) => name === 'vault.locked' && resolve((p as { reason: string }).reason)),
    );
    expect(await locked).toBe('idle');
    expect(w.status().vault).toBe('locked');
    w.close();
  });

  it('never locks a CLI run by itself: nobody is at a screen', async () => {
    await ws.createVault(TEST_PASSPHRASE);
    ws.updatePreferences({ idleLockMinutes: 0.05 }); // 3 s
    await new Promise((r) => setTimeout(r, 3500));
    expect(ws.status().vault).toBe('unlocked');
  });

  it('lets an export finish before the idle lock; locking by hand cancels it', async () => {
    let clock = 0;
    const w = new Workstation({ dataDir: join(t.dir, 'export'), mode: 'cli', now: () => clock });
    await w.createVault(TEST_PASSPHRASE);
    w.updatePreferences({ idleLockMinutes: 0.05 });
    const all = { from: '2000-01-01', to: '2099-12-31', jurisdiction: null, direction: null, status: null };
    const checks: boolean[] = [];
    // Each progress report comes from inside the running export: the clock has long passed the idle time.
    await w.createExport(all, join(t.dir, 'one.zip'), {
      onProgress: () => void checks.push(((clock += 10_000), w.checkIdle())),
    });
    expect(checks.length).toBeGreaterThan(3);
    expect(checks.every((locked) => !locked)).toBe(true);
    expect(existsSync(join(t.dir, 'one.zip'))).toBe(true);
    expect(w.checkIdle()).toBe(true); // and the lock follows once it is done

    await w.unlock(TEST_PASSPHRASE);
    const cancelled = w.createExport(all, join(t.dir, 'two.zip'), {
      onProgress: () => void (w.status().vault === 'unlocked' && w.lock()),
    });
    await expect(cancelled).rejects.toThrow(/cancelled/);
    expect(existsSync(join(t.dir, 'two.zip'))).toBe(false);
    w.close();
  });

  it('activity pushes the idle lock back', async () => {
    let clock = 0;
    const w = new Workstation({ dataDir: join(t.dir, 'second'), mode: 'cli', now: () => clock });
    await w.createVault(TEST_PASSPHRASE);
    w.updatePreferences({ idleLockMinutes: 0.05 }); // 3,000 ms
    clock = 2000;
    w.touch();
    clock = 3500; // 3.5 s since unlock, but only 1.5 s since the last activity
    expect(w.checkIdle()).toBe(false);
    clock = 5000;
    expect(w.checkIdle()).toBe(true);
    expect(w.status().vault).toBe('locked');
    w.close();
  });

  it('without activity, the same clock locks at the first check', async () => {
    let clock = 0;
    const w = new Workstation({ dataDir: join(t.dir, 'third'), mode: 'cli', now: () => clock });
    await w.createVault(TEST_PASSPHRASE);
    w.updatePreferences({ idleLockMinutes: 0.05 });
    clock = 3500;
    expect(w.checkIdle()).toBe(true);
    w.close();
  });
});
