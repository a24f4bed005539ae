import { resolveConflict } from '../../sync/conflicts';
import type { AreaHandlers, HandlerContext } from './context';

const notConfigured = () => ({
  configured: false,
  online: false,
  lastSyncAt: null,
  lastError: 'no backend configured',
  cursor: 0,
  outboxDepth: 0,
  conflicts: 0,
  quarantined: 0,
  notice: null,
});

/** The backend: its status, configuration, a sync on demand, and resolving a conflict it reported. */
export function syncHandlers({
  ws,
  detail,
}: HandlerContext): AreaHandlers<'sync.status' | 'sync.configure' | 'sync.now' | 'conflicts.resolve'> {
  return {
    'sync.status': () => ws.syncEngine()?.status() ?? notConfigured(),
    'sync.configure': async ({ url, token }) => {
      await ws.verifyCredential(url, token);
      ws.configureSync(url, token);
      return ws.syncEngine()?.status() ?? notConfigured();
    },
    'sync.now': async () => {
      const s = ws.syncEngine();
      if (!s) return notConfigured();
      s.retryNow();
      await s.tryNow('pull', 'sync_now');
      await s.tryNow('push', 'sync_now');
      return s.status();
    },
    'conflicts.resolve': ({ conflictId, resolution }) => {
      const caseId = resolveConflict(ws.database(), { conflictId, resolution, actor: ws.actor });
      ws.syncEngine()?.announce();
      return detail(caseId);
    },
  };
}
