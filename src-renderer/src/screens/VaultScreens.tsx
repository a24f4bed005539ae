import { useState, type FormEvent } from 'react';
import { MIN_PASSPHRASE_LENGTH } from '../../../src-shared/domain';
import { useApp } from '../state/app-store';
import { ErrorBanner } from '../components/ErrorBanner';

export function CreateVaultScreen() {
  const { createVault, busy, status } = useApp();
  const [pass, setPass] = useState('');
  const [again, setAgain] = useState('');
  const [remember, setRemember] = useState(false);
  const tooShort = pass.length > 0 && pass.length < MIN_PASSPHRASE_LENGTH;
  const mismatch = again.length > 0 && again !== pass;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!tooShort && !mismatch && pass) void createVault(pass, remember);
  };
  return (
    <main className="gate">
      <form className="gate-card" onSubmit={submit} aria-labelledby="create-title">
        <h1 id="create-title">Create your Waybill vault</h1>
        <p className="muted">
          Cases are kept in an encrypted database in <code>{status?.dataDir}</code>. Its key is protected by this passphrase.
          There is no recovery: if the passphrase is lost, the local data is lost (the backend keeps the shared record).
        </p>
        <label htmlFor="new-pass">Passphrase (at least {MIN_PASSPHRASE_LENGTH} characters)</label>
        <input id="new-pass" type="password" autoComplete="new-password" autoFocus value={pass} onChange={(e) => setPass(e.target.value)} aria-invalid={tooShort} />
        {tooShort && <p className="field-error">At least {MIN_PASSPHRASE_LENGTH} characters.</p>}
        <label htmlFor="new-pass-again">Repeat the passphrase</label>
        <input id="new-pass-again" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} aria-invalid={mismatch} />
        {mismatch && <p className="field-error">The two passphrases differ.</p>}
        {status?.deviceUnlockAvailable && (
          <label className="check">
            <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> Remember on this device (OS keychain)
          </label>
        )}
        <ErrorBanner />
        <button type="submit" className="primary" disabled={busy || !pass || tooShort || again !== pass}>
          {busy ? 'Creating…' : 'Create vault'}
        </button>
      </form>
    </main>
  );
}

export function UnlockScreen() {
  const { unlock, unlockWithDevice, busy, status, lockedReason } = useApp();
  const [pass, setPass] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (pass) void unlock(pass).then(() => setPass(''));
  };
  return (
    <main className="gate">
      <form className="gate-card" onSubmit={submit} aria-labelledby="unlock-title">
        <h1 id="unlock-title">Unlock Waybill</h1>
        {lockedReason === 'idle' && status && (
          <p className="notice" role="status">
            Locked after {formatDuration(status.idleLockMinutes)} without activity.
          </p>
        )}
        <label htmlFor="unlock-pass">Passphrase</label>
        <input id="unlock-pass" type="password" autoComplete="current-password" autoFocus value={pass} onChange={(e) => setPass(e.target.value)} />
        <ErrorBanner />
        <button type="submit" className="primary" disabled={busy || !pass}>
          {busy ? 'Unlocking…' : 'Unlock'}
        </button>
        {status?.deviceUnlockEnrolled && status.deviceUnlockAvailable && (
          <button type="button" onClick={() => void unlockWithDevice()} disabled={busy}>
            Unlock with this device
          </button>
        )}
      </form>
    </main>
  );
}

function formatDuration(minutes: number): string {
  if (minutes < 1) return `${Math.round(minutes * 60)} seconds`;
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
