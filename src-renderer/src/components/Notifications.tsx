import { useCallback, useEffect, useRef, useState } from 'react';
import type { Notifications } from '../../../src-shared/contract';
import { time } from '../format';
import { useApp } from '../state/app-store';

// Issue 18 point 14: a bell with the analyst's notifications (a reply on their case, a new high-risk
// case, a four-eyes request for them). New ones also reach the OS: through the Electron shell, or in a
// browser through the Notification API, only when the analyst has allowed it; otherwise in-app only.

const REFRESH_MS = 30_000;
/** At most this many OS notifications per refresh; the rest are summed up in one. */
const OS_BURST = 3;

function browserNotify(title: string, body: string): boolean {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return false;
  new Notification(title, { body });
  return true;
}

export function NotificationBell() {
  const client = useApp((s) => s.client);
  const changes = useApp((s) => s.changes);
  const mode = useApp((s) => s.status?.mode);
  const openCase = useApp((s) => s.openCase);
  const [feed, setFeed] = useState<Notifications | null>(null);
  const [open, setOpen] = useState(false);
  const [permission, setPermission] = useState(
    typeof Notification === 'undefined' ? 'denied' : Notification.permission,
  );
  /** Ids already known, so only what is new since the last look goes to the OS; null until the first load. */
  const known = useRef<Set<string> | null>(null);

  const announce = useCallback(
    async (fresh: Notifications['items']) => {
      if (!client || fresh.length === 0) return;
      const shown = fresh.slice(0, OS_BURST);
      const more = fresh.length - shown.length;
      for (const n of shown) {
        const title = 'Waybill';
        const body = n.text;
        if (mode === 'electron') await client.call('notifications.os', { title, body }).catch(() => undefined);
        else browserNotify(title, body);
      }
      if (more > 0) {
        const body = `and ${more} more: see the bell`;
        if (mode === 'electron')
          await client.call('notifications.os', { title: 'Waybill', body }).catch(() => undefined);
        else browserNotify('Waybill', body);
      }
    },
    [client, mode],
  );

  const load = useCallback(async () => {
    if (!client) return;
    const next = await client.call('notifications.list', {});
    setFeed(next);
    const before = known.current;
    known.current = new Set(next.items.map((n) => n.id));
    // The first load only learns what exists: the analyst sees it in the bell, not as a burst of pop-ups.
    if (before) void announce(next.items.filter((n) => n.unread && !before.has(n.id)));
  }, [client, announce]);

  useEffect(() => {
    void load().catch(() => undefined);
    const t = setInterval(() => void load().catch(() => undefined), REFRESH_MS);
    return () => clearInterval(t);
  }, [load, changes]);

  const toggle = async () => {
    const next = !open;
    setOpen(next);
    const newest = feed?.items[0]?.at;
    if (next && client && newest && feed.unread > 0)
      setFeed(await client.call('notifications.seen', { upTo: newest }).catch(() => feed));
  };
  const unread = feed?.unread ?? 0;
  return (
    <div className="bell">
      <button
        type="button"
        className="bell-button"
        aria-expanded={open}
        aria-controls="notification-list"
        data-testid="bell"
        onClick={() => void toggle()}
      >
        Notifications{unread > 0 ? <span className="bell-count"> {unread}</span> : null}
      </button>
      {open && (
        <div className="bell-panel panel" id="notification-list" role="region" aria-label="Notifications">
          {mode !== 'electron' && permission === 'default' && (
            <p className="small">
              <button type="button" onClick={() => void Notification.requestPermission().then((p) => setPermission(p))}>
                Also show them as desktop notifications
              </button>
            </p>
          )}
          {!feed || feed.items.length === 0 ? (
            <p className="muted">
              Nothing new: replies on your cases, new high-risk cases and approvals asked of you show here.
            </p>
          ) : (
            <ul className="bell-list">
              {feed.items.map((n) => (
                <li key={n.id} data-kind={n.kind} className={n.unread ? 'unread' : undefined}>
                  <button
                    type="button"
                    className="link"
                    onClick={() => {
                      setOpen(false);
                      void openCase(n.caseId);
                    }}
                  >
                    {n.text}
                  </button>{' '}
                  <span className="muted small">{time(n.at)}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
