import { assignCase } from '../../cases/assign';
import { bulkApply } from '../../cases/bulk';
import { queueCsv, queueCsvFileName } from '../../export/queue-csv';
import { screeningStatus } from '../../screening/manage';
import { listAnalysts } from '../../cases/four-eyes';
import { setLegalHold } from '../../retention/holds';
import { caseFacets, countCases, listCases } from '../../store/cases';
import { readSetting, writeSetting } from '../../store/settings';
import { deleteView, listViews, saveView } from '../../store/views';
import type { AreaHandlers, HandlerContext } from './context';

/** The queue and a case: list, facets, the detail, assignment, legal hold, saved views. */
export function casesHandlers({
  ws,
  detail,
}: HandlerContext): AreaHandlers<
  | 'cases.list'
  | 'cases.facets'
  | 'cases.bulk'
  | 'cases.csv'
  | 'cases.get'
  | 'cases.assign'
  | 'cases.hold'
  | 'views.layouts'
  | 'views.saveLayout'
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
    'cases.bulk': async ({ caseIds, action }) => {
      const db = ws.database();
      ws.touch();
      const results = bulkApply(db, caseIds, action, {
        actor: ws.actor,
        policy: ws.decisionPolicy(),
        // The same freshness policy as one acceptance (docs/screening.md).
        acceptBlocked: action.kind === 'accept' ? screeningStatus(db, ws.preferences).blocked : null,
      });
      const changed = results.filter((r) => r.outcome !== 'refused').length;
      if (changed) ws.events.emit('cases.changed', { count: changed });
      // As one case at a time: decisions, proposals and claims leave for the backend now; offline they wait.
      if (changed) await ws.syncEngine()?.tryNow('push', action.kind === 'assign' ? 'assignment' : 'bulk');
      return { results };
    },
    'cases.csv': ({ filter, sort }) => {
      ws.touch();
      const now = new Date();
      // Built line by line from pages of the query; the transport then carries it as one answer.
      let csv = '';
      let rows = -1;
      for (const line of queueCsv(ws.database(), { filter, sort }, { ...filterContext(), now: now.toISOString() })) {
        csv += line;
        rows++;
      }
      return { fileName: queueCsvFileName(now), rows, csv };
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
    'views.layouts': () => readSetting(ws.database(), 'queue.layouts') ?? {},
    'views.saveLayout': ({ view, layout }) => {
      const db = ws.database();
      // At most one layout per saved view (and the default): a deleted view's layout goes with it.
      const names = new Set(['', ...listViews(db).map((v) => v.name)]);
      const all = Object.fromEntries(
        Object.entries({ ...(readSetting(db, 'queue.layouts') ?? {}), [view]: layout }).filter(([k]) => names.has(k)),
      );
      writeSetting(db, 'queue.layouts', all);
      return all;
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
