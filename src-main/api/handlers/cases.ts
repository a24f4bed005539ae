import { AppError } from '../../../src-shared/result';
import { listAnalysts } from '../../cases/four-eyes';
import { setLegalHold } from '../../retention/holds';
import { countCases, listCases } from '../../store/cases';
import { deleteView, listViews, saveView } from '../../store/views';
import type { AreaHandlers, HandlerContext } from './context';

/** The queue and a case: list, facets, the detail, assignment, legal hold, saved views. */
export function casesHandlers({ ws, detail }: HandlerContext): AreaHandlers<'cases.list' | 'cases.facets' | 'cases.get' | 'cases.assign' | 'cases.hold' | 'views.list' | 'views.save' | 'views.delete'> {
  /** The last count per filter: tells a page query whether to walk the sort index or the filter's. */
  const matchCounts = new Map<string, number>();
  const filterContext = () => ({ now: new Date().toISOString(), slaHours: ws.preferences.slaHours });
  return {
    'cases.list': ({ offset, limit, sort, filter, count }) => {
      const db = ws.database();
      ws.touch();
      const ctx = filterContext();
      const key = JSON.stringify(filter);
      const total = count ? countCases(db, filter, ctx) : (matchCounts.get(key) ?? -1);
      if (count) matchCounts.set(key, total);
      return { total: count ? total : -1, rows: listCases(db, { offset, limit, sort, filter }, ctx, total >= 0 ? total : undefined) };
    },
    'cases.facets': () => {
      const db = ws.database();
      const col = (sql: string) => (db.prepare(sql).all() as { v: string }[]).map((r) => r.v);
      return {
        assets: col('SELECT DISTINCT asset AS v FROM cases ORDER BY asset'),
        jurisdictions: col('SELECT DISTINCT counterparty_jurisdiction AS v FROM cases WHERE counterparty_jurisdiction IS NOT NULL ORDER BY v'),
        // Distinct ids come off the index; one name lookup each (a GROUP BY read a million rows).
        counterparties: col('SELECT DISTINCT counterparty_vasp_id AS v FROM cases WHERE counterparty_vasp_id IS NOT NULL')
          .map((vaspId) => ({ vaspId, name: (db.prepare('SELECT counterparty_name AS n FROM cases WHERE counterparty_vasp_id = ? LIMIT 1').get(vaspId) as { n: string }).n }))
          .sort((a, b) => a.name.localeCompare(b.name)),
        analysts: [...new Set([ws.actor, ...listAnalysts(db), ...col('SELECT DISTINCT assigned_to AS v FROM cases WHERE assigned_to IS NOT NULL')])].sort(),
      };
    },
    'cases.get': ({ id }) => {
      ws.touch();
      return detail(id);
    },
    'cases.assign': ({ caseId, analyst }) => {
      const db = ws.database();
      db.transaction(() => {
        const r = db.prepare('UPDATE cases SET assigned_to = ? WHERE id = ?').run(analyst, caseId);
        if (!r.changes) throw new AppError('not_found', `No case ${caseId}.`);
        ws.audit(analyst ? 'case.assigned' : 'case.unassigned', analyst ? { to: analyst } : {}, caseId);
      })();
      ws.events.emit('cases.changed', { count: 1 });
      return detail(caseId);
    },
    'cases.hold': ({ caseId, reason }) => {
      setLegalHold(ws.database(), caseId, reason, ws.actor);
      return detail(caseId);
    },
    'views.list': () => listViews(ws.database()),
    'views.save': (v) => {
      saveView(ws.database(), v, ws.actor);
      return listViews(ws.database());
    },
    'views.delete': ({ name }) => {
      deleteView(ws.database(), name);
      return listViews(ws.database());
    },
  };
}
