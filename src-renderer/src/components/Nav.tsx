import { useApp, type View } from '../state/app-store';

const ITEMS: { view: View; label: string; key: string }[] = [
  { view: { name: 'queue' }, label: 'Queue', key: '1' },
  { view: { name: 'dashboard' }, label: 'Dashboard', key: '2' },
  { view: { name: 'mail' }, label: 'Mail', key: '3' },
  { view: { name: 'exports' }, label: 'Exports', key: '4' },
  { view: { name: 'settings' }, label: 'Settings', key: '5' },
  { view: { name: 'sanctions' }, label: 'Sanctions', key: '6' },
];

export function Nav() {
  const view = useApp((s) => s.view);
  const navigate = useApp((s) => s.navigate);
  const current = view.name === 'case' ? 'queue' : view.name;
  return (
    <nav className="nav" aria-label="Sections">
      <span className="brand">Waybill</span>
      {ITEMS.map((i) => (
        <button
          key={i.label}
          type="button"
          className={current === i.view.name ? 'tab current' : 'tab'}
          aria-current={current === i.view.name ? 'page' : undefined}
          onClick={() => navigate(i.view)}
          aria-keyshortcuts={`Alt+${i.key}`}
          title={`Alt+${i.key}`}
        >
          {i.label}
        </button>
      ))}
    </nav>
  );
}

export const NAV_SHORTCUTS = ITEMS;
