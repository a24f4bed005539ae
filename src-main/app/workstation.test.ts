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
    const actions = (ws.database().prepare('SELECT action FROM audit_events ORDER BY seq').all() as { action: string }[]).map((r) => r.action);
    expect(actions).toEqual(['vault.created', 'vault.locked', 'vault.unlocked']);
    expect(verifyAudit(ws.database()).ok).toBe(true);
  });

  it('locks itself after the idle time and tells the UI why', async () => {
    await ws.createVault(TEST_PASSPHRASE);
    ws.updatePreferences({ idleLockMinutes: 0.05 }); // 3 s
    const locked = new Promise<string>((resolve) => ws.events.subscribe((name, p) => name === 'vault.locked' && resolve((p as { reason: string }).reason)));
    expect(await locked).toBe('idle');
    expect(ws.status().vault).toBe('locked');
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
