import { useEffect } from 'react';
import { useApp } from './state/app-store';
import { CreateVaultScreen, UnlockScreen } from './screens/VaultScreens';
import { QueueScreen } from './screens/QueueScreen';
import { StatusBar } from './components/StatusBar';

const TOUCH_INTERVAL_MS = 20_000;

export function App() {
  const status = useApp((s) => s.status);
  const client = useApp((s) => s.client);
  const lock = useApp((s) => s.lock);
  const unlocked = status?.vault === 'unlocked';

  // Analyst activity keeps the vault open; report it at most every 20 s.
  useEffect(() => {
    if (!unlocked || !client) return;
    let last = 0;
    const onActivity = () => {
      const now = Date.now();
      if (now - last < TOUCH_INTERVAL_MS) return;
      last = now;
      void client.call('session.touch', {}).catch(() => {});
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey && e.key.toLowerCase() === 'l') {
        e.preventDefault();
        void lock();
      }
    };
    window.addEventListener('keydown', onActivity);
    window.addEventListener('pointerdown', onActivity);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onActivity);
      window.removeEventListener('pointerdown', onActivity);
      window.removeEventListener('keydown', onKey);
    };
  }, [unlocked, client, lock]);

  if (!status) return <main className="gate">Connecting to the Waybill core…</main>;
  return (
    <div className="app">
      {status.vault === 'absent' ? <CreateVaultScreen /> : unlocked ? <QueueScreen /> : <UnlockScreen />}
      <StatusBar />
    </div>
  );
}
