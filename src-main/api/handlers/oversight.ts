import { verifyAudit } from '../../audit/chain';
import { dashboard } from '../../dashboard/summary';
import { defaultRulePack } from '../../rules/pack';
import type { AreaHandlers, HandlerContext } from './context';

/** What a supervisor looks at: the dashboard, retention, the rule pack, the audit chain. */
export function oversightHandlers({
  ws,
}: HandlerContext): AreaHandlers<'dashboard.get' | 'retention.run' | 'rules.status' | 'audit.verify'> {
  return {
    'dashboard.get': ({ from, to, analyst }) =>
      dashboard(ws.database(), {
        now: new Date(),
        slaHours: ws.preferences.slaHours,
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        ...(analyst ? { analyst } : {}),
      }),
    'retention.run': ({ dryRun }) => {
      const r = ws.purgeExpired(dryRun);
      return {
        today: r.today,
        dryRun: r.dryRun,
        purged: r.purged.map((p) => p.caseId),
        held: r.held.map((h) => h.caseId),
        unsynced: r.unsynced.map((u) => u.caseId),
      };
    },
    'rules.status': () => {
      const pack = defaultRulePack();
      return {
        jurisdictions: [...pack.files.values()].filter((f) => f.kind !== 'group').length,
        digest: pack.digest,
        errors: pack.errors,
      };
    },
    'audit.verify': () => verifyAudit(ws.database()),
  };
}
