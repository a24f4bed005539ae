import { assignCase } from '../../cases/assign';
import { listAnalysts } from '../../cases/four-eyes';
import { setLegalHold } from '../../retention/holds';
import { caseFacets, countCases, listCases } from '../../store/cases';
import { deleteView, listViews, saveView } from '../../store/views';
import type { AreaHandlers, HandlerContext } from './context';

/** The queue and a case: list, facets, the detail, assignment, legal hold, saved views. */
export function casesHandlers({
  ws,
  detail,
}: HandlerContext): AreaHandlers<
  | 'cases.list'
  | 'cases.facets'
  | 'cases.get'
  | 'cases.assign'
  | 'cases.hold'
  | 'views.list'
  | 'views.save'
  | 'views.delete'
> {
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
      return {
        total: count ? total : -1,
        rows: listCases(db, { offset, limit, sort, filter }, ctx, total >= 0 ? total : undefined),
      };
    },
    'cases.facets': () => {
      const db = ws.database();
      const { assignees, ...facets } = caseFacets(db);
      return { ...facets, analysts: [...new Set([ws.actor, ...listAnalysts(db), ...assignees])].sort() };
    },
    'cases.get': ({ id }) => {
      ws.touch();
      return detail(id);
    },
    'cases.assign': async ({ caseId, analyst }) => {
      assignCase(ws.database(), { caseId, analyst, actor: ws.actor });
      ws.events.emit('cases.changed', { count: 1 });
      // The claim leaves for the backend now, so other workstations see it; offline it waits.
      await ws.syncEngine()?.tryNow('push', 'assignment');
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
