import { markSeen, notificationsFor } from '../../notifications/feed';
import type { AreaHandlers, HandlerContext } from './context';

/** Notifications: the signed-in analyst's feed, marking it seen, and one OS notification through the shell. */
export function notificationHandlers({
  ws,
}: HandlerContext): AreaHandlers<'notifications.list' | 'notifications.seen' | 'notifications.os'> {
  const feed = () =>
    notificationsFor(ws.database(), ws.actor, { riskScoreAtLeast: ws.preferences.fourEyes.riskScoreAtLeast });
  return {
    'notifications.list': () => feed(),
    'notifications.seen': ({ upTo }) => {
      markSeen(ws.database(), ws.actor, upTo);
      return feed();
    },
    'notifications.os': ({ title, body }) => {
      ws.database(); // signed in only: a locked screen shows nothing
      return { shown: ws.showOsNotification(title, body) };
    },
  };
}
