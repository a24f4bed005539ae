import { join } from 'node:path';
import { AppError } from '../../src-shared/result';
import type { Workstation } from './workstation';
import { recheckAll } from '../checks/run';
import { backendPlan } from '../screening/backend';
import { fetchList, officialPlan } from '../screening/fetch';
import { listVersions } from '../screening/store';
import { ListFormatError, type ListSource } from '../screening/types';
import { BackendClient } from '../sync/client';

// Wiring (it lives in app/, above screening/, checks/ and sync/, which it ties together):
// putting a list version in force from the workstation (the Sanctions screen, the schedule): audit it,
// rebuild the index, re-screen every case, tell every window. A refused list becomes the analyst's
// input error, named, and the version in force stays (and says so).

export function refused(ws: Workstation, source: ListSource, e: unknown): never {
  if (e instanceof ListFormatError) {
    const current = listVersions(ws.database()).find((v) => v.source === source && v.active);
    ws.audit('screening.list_rejected', { source, code: e.code, where: e.where.split(/[\\/]/).pop() ?? '' });
    throw new AppError(
      'invalid_input',
      `Refused (${e.code}): ${e.message}. ${current ? `The version in force stays ${current.label}.` : `No ${source} list is in force.`}`,
      { code: e.code },
    );
  }
  throw e;
}

export function putInForce(
  ws: Workstation,
  v: { label: string; entryCount: number; changed: boolean; source: string },
  via: string,
): void {
  if (!v.changed) return;
  ws.audit('screening.list_imported', { source: v.source, label: v.label, entries: v.entryCount, via });
  ws.invalidateScreening();
  const re = recheckAll(ws.database(), ws.checkContext());
  ws.events.emit('screening.changed', { rescreened: re.changed });
  ws.events.emit('cases.changed', { count: re.changed });
}

/** Fetches one source from the publisher's URL (as configured) or from the exchange backend. */
export async function fetchSource(
  ws: Workstation,
  source: ListSource,
  from: 'official' | 'backend',
  allowShrink = false,
): Promise<void> {
  const p = ws.preferences;
  try {
    let plan;
    if (from === 'backend') {
      // The signed-in analyst's own backend credential (issue 15), as the sync engine uses.
      const token = ws.credentialFor(ws.actor);
      const backend =
        p.backendUrl && token ? { client: new BackendClient(p.backendUrl, token, ws.actor), token } : null;
      if (!backend)
        throw new AppError(
          'unavailable',
          'No exchange backend is configured: set one in Settings, or fetch from the publisher.',
        );
      plan = await backendPlan(backend.client, backend.token, source);
    } else plan = officialPlan(source, p.screeningFetch.urls[source]);
    const v = await fetchList(ws.database(), source, plan, {
      tmpRoot: join(ws.dataDir, 'tmp'),
      proxy: p.screeningFetch.proxy,
      importedBy: ws.actor,
      allowShrink,
      maxShrink: p.screeningMaxShrink,
    });
    putInForce(ws, v, from);
  } catch (e) {
    refused(ws, source, e);
  }
}

/**
 * The schedule, while unlocked: each source the policy names is fetched when it has no version in
 * force or its version was last found current longer ago than the policy's interval. Failures are
 * logged (by code, never with list content) and retried at the next tick.
 */
export async function fetchDue(
  ws: Workstation,
  now = Date.now(),
): Promise<{ source: ListSource; error: string | null }[]> {
  const f = ws.preferences.screeningFetch;
  const versions = listVersions(ws.database());
  const out: { source: ListSource; error: string | null }[] = [];
  for (const source of f.sources) {
    const v = versions.find((x) => x.source === source && x.active);
    const last = v ? Date.parse(v.checkedAt ?? v.importedAt) : 0;
    if (now - last < f.everyHours * 3600_000) continue;
    try {
      await fetchSource(ws, source, f.from);
      out.push({ source, error: null });
    } catch (e) {
      out.push({ source, error: e instanceof AppError ? e.code : 'error' });
    }
  }
  return out;
}
