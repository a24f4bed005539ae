import { AppError } from '../../../src-shared/result';
import type { AreaHandlers, HandlerContext } from './context';

const notConfigured = () => ({ configured: false, online: false, lastSyncAt: null, lastError: 'no backend configured', cursor: 0, outboxDepth: 0, conflicts: 0, quarantined: 0 });

/** The backend: its status, configuration, a sync on demand, and resolving a conflict it reported. */
export function syncHandlers({ ws, detail }: HandlerContext): AreaHandlers<'sync.status' | 'sync.configure' | 'sync.now' | 'conflicts.resolve'> {
  return {
    'sync.status': () => ws.syncEngine()?.status() ?? notConfigured(),
    'sync.configure': ({ url, token }) => {
      ws.configureSync(url, token);
      return ws.syncEngine()?.status() ?? notConfigured();
    },
    'sync.now': async () => {
      const s = ws.syncEngine();
      if (!s) return notConfigured();
      s.retryNow();
      await s.pull().catch(() => {});
      await s.push().catch(() => {});
      return s.status();
    },
    'conflicts.resolve': ({ conflictId, resolution }) => {
      const db = ws.database();
      const c = db.prepare('SELECT case_id, resolved_at FROM conflicts WHERE id = ?').get(conflictId) as { case_id: string; resolved_at: string | null } | undefined;
      if (!c) throw new AppError('not_found', `No conflict ${conflictId}.`);
      if (c.resolved_at) throw new AppError('conflict', 'That conflict was resolved already.');
      db.transaction(() => {
        db.prepare('UPDATE conflicts SET resolved_at = ?, resolution = ? WHERE id = ?').run(new Date().toISOString(), resolution, conflictId);
        ws.audit('sync.conflict_resolved', { conflictId, resolution }, c.case_id);
      })();
      ws.syncEngine()?.announce();
      return detail(c.case_id);
    },
  };
}
