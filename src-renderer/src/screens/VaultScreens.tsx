import { useEffect, useState, type FormEvent } from 'react';
import { MIN_PASSPHRASE_LENGTH } from '../../../src-shared/domain';
import { useApp } from '../state/app-store';
import { ErrorBanner } from '../components/ErrorBanner';

export function CreateVaultScreen() {
  const { createVault, busy, status } = useApp();
  const [name, setName] = useState('');
  const [pass, setPass] = useState('');
  const [again, setAgain] = useState('');
  const [remember, setRemember] = useState(false);
  const tooShort = pass.length > 0 && pass.length < MIN_PASSPHRASE_LENGTH;
  const mismatch = again.length > 0 && again !== pass;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!tooShort && !mismatch && pass && name.trim()) void createVault(pass, remember, name.trim());
  };
  return (
    <main className="gate">
      <form className="gate-card" onSubmit={submit} aria-labelledby="create-title">
        <h1 id="create-title">Create your Waybill vault</h1>
        <p className="muted">
          Cases are kept in an encrypted database in <code>{status?.dataDir}</code>. Its key is protected by this
          passphrase. There is no recovery: if the passphrase is lost, the local data is lost (the backend keeps the
          shared record).
        </p>
        <label htmlFor="new-name">Your name (you will be this workstation's first supervisor)</label>
        <input
          id="new-name"
          type="text"
          autoComplete="username"
          autoFocus
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <label htmlFor="new-pass">Passphrase (at least {MIN_PASSPHRASE_LENGTH} characters)</label>
        <input
          id="new-pass"
          type="password"
          autoComplete="new-password"
          value={pass}
          onChange={(e) => setPass(e.target.value)}
          aria-invalid={tooShort}
        />
        {tooShort && <p className="field-error">At least {MIN_PASSPHRASE_LENGTH} characters.</p>}
        <label htmlFor="new-pass-again">Repeat the passphrase</label>
        <input
          id="new-pass-again"
          type="password"
          autoComplete="new-password"
          value={again}
          onChange={(e) => setAgain(e.target.value)}
          aria-invalid={mismatch}
        />
        {mismatch && <p className="field-error">The two passphrases differ.</p>}
        {status?.deviceUnlockAvailable && (
          <label className="check">
            <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> Remember on
            this device (OS keychain)
          </label>
        )}
        <ErrorBanner />
        <button
          type="submit"
          className="primary"
          disabled={busy || !name.trim() || !pass || tooShort || again !== pass}
        >
          {busy ? 'Creating…' : 'Create vault'}
        </button>
      </form>
    </main>
  );
}

export function UnlockScreen() {
  const { unlock, unlockWithDevice, redeem, busy, status, lockedReason } = useApp();
  const slow = useSlow(busy, SLOW_UNLOCK_MS);
  const [mode, setMode] = useState<'sign-in' | 'enrol'>('sign-in');
  const [name, setName] = useState('');
  const [pass, setPass] = useState('');
  const [code, setCode] = useState('');
  const [again, setAgain] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (mode === 'sign-in' && pass) void unlock(pass, name.trim() || undefined).then(() => setPass(''));
    if (mode === 'enrol' && name.trim() && code.trim() && pass.length >= MIN_PASSPHRASE_LENGTH && pass === again) {
      void redeem(name.trim(), code.trim(), pass).then(() => {
        setPass('');
        setAgain('');
        setCode('');
      });
    }
  };
  if (mode === 'enrol') {
    const tooShort = pass.length > 0 && pass.length < MIN_PASSPHRASE_LENGTH;
    return (
      <main className="gate">
        <form className="gate-card" onSubmit={submit} aria-labelledby="enrol-title">
          <h1 id="enrol-title">Join this workstation</h1>
          <p className="muted">
            A supervisor enrolled you and gave you a one-time code. Choose your own passphrase: nobody else will know
            it.
          </p>
          <label htmlFor="enrol-name">Your name, as the supervisor enrolled it</label>
          <input
            id="enrol-name"
            type="text"
            autoComplete="username"
            autoFocus
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <label htmlFor="enrol-code">One-time code</label>
          <input
            id="enrol-code"
            type="text"
            autoComplete="one-time-code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          <label htmlFor="enrol-pass">Your passphrase (at least {MIN_PASSPHRASE_LENGTH} characters)</label>
          <input
            id="enrol-pass"
            type="password"
            autoComplete="new-password"
            value={pass}
            onChange={(e) => setPass(e.target.value)}
            aria-invalid={tooShort}
          />
          {tooShort && <p className="field-error">At least {MIN_PASSPHRASE_LENGTH} characters.</p>}
          <label htmlFor="enrol-again">Repeat your passphrase</label>
          <input
            id="enrol-again"
            type="password"
            autoComplete="new-password"
            value={again}
            onChange={(e) => setAgain(e.target.value)}
          />
          <ErrorBanner />
          <button
            type="submit"
            className="primary"
            disabled={busy || !name.trim() || !code.trim() || tooShort || !pass || pass !== again}
          >
            {busy ? 'Joining…' : 'Set passphrase and sign in'}
          </button>
          <button type="button" onClick={() => setMode('sign-in')}>
            Back to sign-in
          </button>
        </form>
      </main>
    );
  }
  return (
    <main className="gate">
      <form className="gate-card" onSubmit={submit} aria-labelledby="unlock-title">
        <h1 id="unlock-title">Sign in to Waybill</h1>
        {lockedReason === 'idle' && status && (
          <p className="notice" role="status">
            Locked after {formatDuration(status.idleLockMinutes)} without activity.
          </p>
        )}
        <label htmlFor="unlock-name">Your name (may be left empty while you are the only analyst)</label>
        <input
          id="unlock-name"
          type="text"
          autoComplete="username"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <label htmlFor="unlock-pass">Passphrase</label>
        <input
          id="unlock-pass"
          type="password"
          autoComplete="current-password"
          autoFocus
          value={pass}
          onChange={(e) => setPass(e.target.value)}
        />
        <ErrorBanner />
        <button type="submit" className="primary" disabled={busy || !pass}>
          {busy ? 'Unlocking…' : 'Unlock'}
        </button>
        {busy && slow && (
          <p className="notice" role="status" data-testid="unlock-slow">
            Still unlocking. After an update, the first unlock also brings the case database up to date, once; a large
            one takes up to a minute.
          </p>
        )}
        {status?.deviceUnlockEnrolled && status.deviceUnlockAvailable && (
          <button type="button" onClick={() => void unlockWithDevice()} disabled={busy}>
            Unlock with this device
          </button>
        )}
        <button type="button" onClick={() => setMode('enrol')} disabled={busy}>
          I have an enrolment code
        </button>
      </form>
    </main>
  );
}

/**
 * After an update the first unlock runs the store's migrations before it answers: at a million cases
 * migration 0025 took 41 s. Past this, the screen says why it is still waiting.
 */
const SLOW_UNLOCK_MS = 4000;

/** True once `busy` has lasted `ms`; false again when it ends. */
function useSlow(busy: boolean, ms: number): boolean {
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    if (!busy) {
      setSlow(false);
      return;
    }
    const timer = setTimeout(() => setSlow(true), ms);
    return () => clearTimeout(timer);
  }, [busy, ms]);
  return slow;
}

function formatDuration(minutes: number): string {
  if (minutes < 1) return `${Math.round(minutes * 60)} seconds`;
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
