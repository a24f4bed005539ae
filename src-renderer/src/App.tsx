import { useEffect } from 'react';
import { stepZoom } from '../../src-shared/appearance';
import { useApp } from './state/app-store';
import { CreateVaultScreen, UnlockScreen } from './screens/VaultScreens';
import { QueueScreen } from './screens/QueueScreen';
import { CaseScreen } from './screens/CaseScreen';
import { DashboardScreen } from './screens/DashboardScreen';
import { SettingsScreen } from './screens/SettingsScreen';
import { ExportScreen } from './screens/ExportScreen';
import { MailScreen } from './screens/MailScreen';
import { SanctionsScreen } from './screens/SanctionsScreen';
import { OfflineBanner, StatusBar } from './components/StatusBar';
import { Nav, NAV_SHORTCUTS } from './components/Nav';
import { NotificationBell } from './components/Notifications';

const TOUCH_INTERVAL_MS = 20_000;

export function App() {
  const status = useApp((s) => s.status);
  const client = useApp((s) => s.client);
  const lock = useApp((s) => s.lock);
  const view = useApp((s) => s.view);
  const navigate = useApp((s) => s.navigate);
  const setAppearance = useApp((s) => s.setAppearance);
  const unlocked = status?.vault === 'unlocked';
  const theme = status?.appearance.theme;
  const zoom = status?.appearance.zoom;

  // Theme and zoom live on <html> as data attributes: styles.css does the rest (no inline styles).
  useEffect(() => {
    const root = document.documentElement;
    if (theme && theme !== 'system') root.dataset.theme = theme;
    else delete root.dataset.theme;
    if (zoom && zoom !== 100) root.dataset.zoom = String(zoom);
    else delete root.dataset.zoom;
  }, [theme, zoom]);

  // Ctrl + / Ctrl − / Ctrl 0 zoom the whole page, signed in or not (the browser's own zoom would not
  // be remembered: browser mode's address changes at every start).
  useEffect(() => {
    if (zoom === undefined) return;
    let current = zoom; // presses faster than the core's answer still step from the last one
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      const next =
        e.key === '+' || e.key === '='
          ? stepZoom(current, 1)
          : e.key === '-'
            ? stepZoom(current, -1)
            : e.key === '0'
              ? 100
              : null;
      if (next === null) return;
      e.preventDefault();
      if (next !== current) void setAppearance({ zoom: next });
      current = next;
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [zoom, setAppearance]);

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
      const section = e.altKey ? NAV_SHORTCUTS.find((n) => n.key === e.key) : undefined;
      if (section) {
        e.preventDefault();
        navigate(section.view);
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
  }, [unlocked, client, lock, navigate]);

  if (!status) return <main className="gate">Connecting to the Waybill core…</main>;
  return (
    <div className="app">
      {unlocked && (
        <div className="topbar">
          <Nav />
          <NotificationBell />
        </div>
      )}
      <OfflineBanner />
      {status.vault === 'absent' ? (
        <CreateVaultScreen />
      ) : !unlocked ? (
        <UnlockScreen />
      ) : view.name === 'case' ? (
        <CaseScreen id={view.id} />
      ) : view.name === 'dashboard' ? (
        <DashboardScreen />
      ) : view.name === 'settings' ? (
        <SettingsScreen />
      ) : view.name === 'mail' ? (
        <MailScreen />
      ) : view.name === 'exports' ? (
        <ExportScreen />
      ) : view.name === 'sanctions' ? (
        <SanctionsScreen />
      ) : (
        <QueueScreen />
      )}
      <StatusBar />
    </div>
  );
}
