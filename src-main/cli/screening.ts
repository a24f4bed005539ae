import { LIST_SOURCES, ListFormatError, type ListSource } from '../screening/types';
import { importList, listVersions } from '../screening/store';
import { recheckAll } from '../checks/run';
import type { Workstation } from '../app/workstation';
import { UsageError } from './passphrase';

type Out = { stdout: (s: string) => void; stderr: (s: string) => void };

export function screeningImport(
  ws: Workstation,
  source: string | undefined,
  path: string,
  out: Out,
  opts: { allowShrink?: boolean } = {},
): number {
  if (!source || !(LIST_SOURCES as readonly string[]).includes(source))
    throw new UsageError(`--source must be one of ${LIST_SOURCES.join(', ')}.`);
  const db = ws.database();
  try {
    const v = importList(db, source as ListSource, path, {
      importedBy: ws.actor,
      allowShrink: opts.allowShrink === true,
      maxShrink: ws.preferences.screeningMaxShrink,
    });
    if (!v.changed) {
      out.stdout(`${v.label} is already in force (the same files): nothing changed.\n`);
      return 0;
    }
    ws.audit('screening.list_imported', {
      source,
      label: v.label,
      entries: v.entryCount,
      allowShrink: opts.allowShrink === true,
    });
    ws.invalidateScreening();
    const re = recheckAll(db, ws.checkContext());
    out.stdout(
      `Imported ${v.label}: ${v.entryCount} entries, now in force. Re-screened ${re.cases} cases: ${re.changed} check results changed.\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof ListFormatError) {
      const current = listVersions(db).find((x) => x.source === source && x.active);
      out.stderr(
        `Rejected (${e.code}): ${e.message}\n${current ? `The version in force stays ${current.label}.` : `No ${source} list is in force.`}\n`,
      );
      ws.audit('screening.list_rejected', { source, code: e.code, where: e.where.split(/[\\/]/).pop() ?? '' });
      return 1;
    }
    throw e;
  }
}

export function screeningSearch(
  ws: Workstation,
  name: string,
  json: boolean,
  minScore: number | undefined,
  out: Out,
): number {
  const index = ws.screeningIndex();
  if (index.lists.length === 0) {
    out.stderr('No sanctions list is imported yet: waybill screening import --source ofac PATH\n');
    return 1;
  }
  const hits = index.search(name, { minScore: minScore ?? ws.preferences.screeningMinScore, limit: 20 });
  const rows = hits.map((h) => ({
    score: h.score,
    list: h.list,
    entryId: h.entryId,
    name: h.name,
    matchedName: h.matchedName,
  }));
  if (json) out.stdout(JSON.stringify(rows) + '\n');
  else if (rows.length === 0)
    out.stdout(
      `No hit at or above ${minScore ?? ws.preferences.screeningMinScore} in ${index.lists.map((l) => l.version).join(', ')}.\n`,
    );
  else
    for (const r of rows)
      out.stdout(
        `${r.score.toFixed(3)}  ${r.list}:${r.entryId}  ${r.name}${r.matchedName !== r.name ? `  (as "${r.matchedName}")` : ''}\n`,
      );
  return 0;
}
