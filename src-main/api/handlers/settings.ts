import { recheckAll } from '../../checks/run';
import type { AreaHandlers, HandlerContext } from './context';

/** The analyst's preferences (nothing personal; the backend token is set through sync.configure). */
export function settingsHandlers({ ws }: HandlerContext): AreaHandlers<'settings.get' | 'settings.update'> {
  const settings = () => {
    const p = ws.preferences;
    return {
      idleLockMinutes: p.idleLockMinutes,
      homeJurisdiction: p.homeJurisdiction,
      slaHours: p.slaHours,
      fourEyes: p.fourEyes,
      retentionSchedule: p.retentionSchedule,
      backendUrl: p.backendUrl,
      analyst: ws.actor,
    };
  };
  return {
    'settings.get': () => settings(),
    'settings.update': (patch) => {
      const clean = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      ws.updatePreferences(clean);
      if (Object.keys(clean).length) ws.audit('settings.changed', { keys: Object.keys(clean) });
      if (patch.homeJurisdiction) recheckAll(ws.database(), ws.checkContext());
      return settings();
    },
  };
}
