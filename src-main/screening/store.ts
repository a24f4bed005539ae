import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../audit/canonical-json';
import type { ScreeningDisposition } from '../../src-shared/checks';
import type { ReadableDB, WritableDB } from '../store/db';
import { parseCslCsv } from './lists/csl';
import { parseEuXml } from './lists/eu';
import { parseOfacCsv } from './lists/ofac';
import { parseUkCsv } from './lists/uk';
import { parseUnXml } from './lists/un';
import type { SanctionsListVersion } from '../../src-shared/contract';
import type { IndexedList } from './search';
import { ListFormatError, type ListSource, type ParsedList, type SanctionsEntry } from './types';

// The contract's shape is the one definition: the store returns what the UI is promised.
export type ListVersion = SanctionsListVersion;

/** Reads a list file (or, for OFAC's CSV set, the folder holding it). Throws ListFormatError on bad input. */
export function parseList(source: ListSource, path: string): ParsedList {
  switch (source) {
    case 'ofac':
      if (!statSync(path).isDirectory())
        throw new ListFormatError(
          path,
          "OFAC's CSV set is read from the folder holding SDN.CSV, ALT.CSV, ADD.CSV and SDN_COMMENTS.CSV",
        );
      return parseOfacCsv(path);
    case 'un':
      return parseUnXml(path);
    case 'eu':
      return parseEuXml(path);
    case 'uk':
      return parseUkCsv(path);
    case 'csl':
      return parseCslCsv(path);
  }
}

function fileDigest(path: string): string {
  const h = createHash('sha256');
  if (statSync(path).isDirectory()) {
    for (const f of readdirSync(path).sort()) h.update(f).update(readFileSync(join(path, f)));
  } else h.update(readFileSync(path));
  return h.digest('hex');
}

export const entryDigest = (e: SanctionsEntry) => createHash('sha256').update(canonicalJson(e)).digest('hex');

/** A new version with fewer than this share of the entries in force is refused unless confirmed. */
export const DEFAULT_MAX_SHRINK = 0.2;

export interface ImportOptions {
  now?: string;
  /** Who imported it (the analyst, or "cli:USER"). */
  importedBy?: string;
  /** Where it came from: "file NAME", "url URL", "backend HOST". */
  origin?: string;
  /** Confirmed by the analyst: a list that shrank by more than maxShrink may replace the one in force. */
  allowShrink?: boolean;
  /** 0–1, default 0.2. */
  maxShrink?: number;
}

export interface ImportResult extends ListVersion {
  /** False when the file was byte for byte the version in force: nothing new was stored. */
  changed: boolean;
}

/**
 * Imports a new version of a list. It is parsed completely first and checked (not empty, no entry id
 * twice, not shrunk by more than `maxShrink` unless `allowShrink`); only then, in one transaction, is it
 * stored and made the active version. Anything wrong throws ListFormatError and the version in force stays.
 */
export function importList(
  db: WritableDB,
  source: ListSource,
  path: string,
  opts: ImportOptions | string = {},
): ImportResult {
  const o: ImportOptions = typeof opts === 'string' ? { now: opts } : opts;
  const now = o.now ?? new Date().toISOString();
  const parsed = parseList(source, path);
  const file = path.split(/[\\/]/).pop() ?? path;
  if (parsed.entries.length === 0)
    throw new ListFormatError(
      file,
      'the list has no entries; refusing to replace the version in force with an empty one',
      'empty',
    );
  const seen = new Set<string>();
  for (const e of parsed.entries) {
    if (seen.has(e.entryId))
      throw new ListFormatError(
        file,
        `entry id ${e.entryId} occurs twice: one would overwrite the other`,
        'duplicate_entry',
      );
    seen.add(e.entryId);
  }
  const current = listVersions(db).find((v) => v.source === source && v.active);
  const digest = fileDigest(path);
  if (current && current.digest === digest) {
    db.prepare('UPDATE sanctions_lists SET checked_at = ? WHERE id = ?').run(now, current.id);
    return { ...current, checkedAt: now, changed: false };
  }
  const maxShrink = o.maxShrink ?? DEFAULT_MAX_SHRINK;
  if (current && !o.allowShrink && parsed.entries.length < current.entryCount * (1 - maxShrink)) {
    const share = Math.round((1 - parsed.entries.length / current.entryCount) * 100);
    throw new ListFormatError(
      file,
      `${parsed.entries.length} entries where the version in force (${current.label}) has ${current.entryCount}: ${share} % fewer, more than the ${Math.round(maxShrink * 100)} % allowed. Confirm it (--allow-shrink) if the list really shrank`,
      'shrink',
    );
  }
  const label = `${source} ${(parsed.publishedAt ?? now).slice(0, 10)} (${digest.slice(0, 8)})`;
  const importedBy = o.importedBy ?? null;
  const origin = o.origin ?? `file ${file}`;
  const id = db.transaction(() => {
    db.prepare('UPDATE sanctions_lists SET active = 0 WHERE source = ? AND active = 1').run(source);
    const r = db
      .prepare(
        'INSERT INTO sanctions_lists (source, label, published_at, imported_at, entry_count, digest, active, imported_by, origin, checked_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)',
      )
      .run(source, label, parsed.publishedAt, now, parsed.entries.length, digest, importedBy, origin, now);
    // Plain INSERT: a repeated id is an error, never a silent overwrite.
    const insert = db.prepare('INSERT INTO sanctions_entries (list_id, entry_id, data) VALUES (?, ?, ?)');
    for (const e of parsed.entries) insert.run(r.lastInsertRowid, e.entryId, JSON.stringify(e));
    return Number(r.lastInsertRowid);
  })();
  return {
    id,
    source,
    label,
    publishedAt: parsed.publishedAt,
    importedAt: now,
    entryCount: parsed.entries.length,
    active: true,
    digest,
    importedBy,
    origin,
    checkedAt: now,
    changed: true,
  };
}

export function listVersions(db: ReadableDB): ListVersion[] {
  return (
    db
      .prepare(
        `SELECT id, source, label, published_at AS publishedAt, imported_at AS importedAt, entry_count AS entryCount, active, digest,
                imported_by AS importedBy, origin, checked_at AS checkedAt
         FROM sanctions_lists ORDER BY id`,
      )
      .all() as (Omit<ListVersion, 'active'> & { active: number })[]
  ).map((r) => ({ ...r, active: r.active === 1 }));
}

/** Changes whenever another version comes into force (in this process or another). */
export function activeSignature(db: ReadableDB): string {
  return (
    (
      db
        .prepare('SELECT group_concat(id) AS s FROM (SELECT id FROM sanctions_lists WHERE active = 1 ORDER BY id)')
        .get() as { s: string | null }
    ).s ?? ''
  );
}

/** The entries of every active list version, ready for the index. */
export function activeLists(db: ReadableDB): IndexedList[] {
  return listVersions(db)
    .filter((v) => v.active)
    .map((v) => ({
      source: v.source,
      version: v.label,
      entries: (db.prepare('SELECT data FROM sanctions_entries WHERE list_id = ?').all(v.id) as { data: string }[]).map(
        (r) => JSON.parse(r.data) as SanctionsEntry,
      ),
    }));
}

// ---- dispositions: a history, never overwritten --------------------------------------------------

export type Disposition = ScreeningDisposition;

export interface DispositionRecord extends Disposition {
  id: number;
  state: 'in_force' | 'proposed' | 'refused';
  entryDigest: string;
  caseId: string | null;
  refersTo: number | null;
}

interface Row {
  id: number;
  disposition: Disposition['disposition'];
  state: DispositionRecord['state'];
  reasonCode: string | null;
  note: string | null;
  analyst: string;
  secondAnalyst: string | null;
  decidedAt: string;
  listVersion: string;
  entryDigest: string;
  caseId: string | null;
  refersTo: number | null;
}
const COLS = `id, disposition, state, reason_code AS reasonCode, note, analyst, second_analyst AS secondAnalyst, decided_at AS decidedAt,
  list_version AS listVersion, entry_digest AS entryDigest, case_id AS caseId, refers_to AS refersTo`;
const plain = (r: Row): Disposition => ({
  disposition: r.disposition,
  reasonCode: r.reasonCode,
  note: r.note,
  analyst: r.analyst,
  secondAnalyst: r.secondAnalyst,
  decidedAt: r.decidedAt,
  listVersion: r.listVersion,
});

/** Every verdict and proposal on this party and entry, oldest first (whatever version of the entry). */
export function dispositionHistory(
  db: ReadableDB,
  partyDigest: string,
  source: string,
  entryId: string,
): DispositionRecord[] {
  return db
    .prepare(
      `SELECT ${COLS} FROM screening_disposition_log WHERE party_digest = ? AND source = ? AND entry_id = ? ORDER BY id`,
    )
    .all(partyDigest, source, entryId) as Row[];
}

export interface DispositionState {
  /** The latest verdict on the entry as it now reads. */
  current: Disposition | null;
  /** A true match proposed and not yet confirmed or refused. */
  pending: { id: number; analyst: string; note: string | null; decidedAt: string } | null;
  /** The latest verdict on an earlier version of the entry, when none is in force for this one. */
  previous: Disposition | null;
}

export function dispositionState(
  db: ReadableDB,
  partyDigest: string,
  source: string,
  entryId: string,
  entryDig: string,
): DispositionState {
  const rows = dispositionHistory(db, partyDigest, source, entryId);
  let current: Row | null = null;
  let previous: Row | null = null;
  let pending: Row | null = null;
  const closed = new Set(rows.filter((r) => r.refersTo !== null).map((r) => r.refersTo));
  for (const r of rows) {
    if (r.state === 'in_force' && r.entryDigest === entryDig) current = r;
    else if (r.state === 'in_force') previous = r;
    else if (r.state === 'proposed' && r.entryDigest === entryDig && !closed.has(r.id)) pending = r;
  }
  // A proposal made after the verdict in force is what is open now; one made before it was overtaken.
  if (pending && current && current.id > pending.id) pending = null;
  return {
    current: current ? plain(current) : null,
    pending: pending
      ? { id: pending.id, analyst: pending.analyst, note: pending.note, decidedAt: pending.decidedAt }
      : null,
    previous: !current && previous ? plain(previous) : null,
  };
}

export interface NewDisposition {
  partyDigest: string;
  source: string;
  entryId: string;
  entryDigest: string;
  listVersion: string;
  entry: SanctionsEntry | null;
  caseId: string | null;
  disposition: Disposition['disposition'];
  state: DispositionRecord['state'];
  reasonCode: string | null;
  note: string | null;
  analyst: string;
  secondAnalyst?: string | null;
  refersTo?: number | null;
  decidedAt: string;
}

/** Appends one verdict (or proposal, or refusal) to the history. Returns its id. */
export function recordDisposition(db: WritableDB, d: NewDisposition): number {
  return Number(
    db
      .prepare(
        `INSERT INTO screening_disposition_log (party_digest, source, entry_id, entry_digest, list_version, entry_data, case_id, disposition, state, reason_code, note, analyst, second_analyst, refers_to, decided_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        d.partyDigest,
        d.source,
        d.entryId,
        d.entryDigest,
        d.listVersion,
        d.entry ? JSON.stringify(d.entry) : null,
        d.caseId,
        d.disposition,
        d.state,
        d.reasonCode,
        d.note,
        d.analyst,
        d.secondAnalyst ?? null,
        d.refersTo ?? null,
        d.decidedAt,
      ).lastInsertRowid,
  );
}

export function dispositionById(
  db: ReadableDB,
  id: number,
): (DispositionRecord & { partyDigest: string; source: string; entryId: string; entryData: string | null }) | null {
  return (
    (db
      .prepare(
        `SELECT ${COLS}, party_digest AS partyDigest, source, entry_id AS entryId, entry_data AS entryData FROM screening_disposition_log WHERE id = ?`,
      )
      .get(id) as
      | (DispositionRecord & { partyDigest: string; source: string; entryId: string; entryData: string | null })
      | undefined) ?? null
  );
}

/** Kept for callers that record a verdict in force directly (tests, older code paths). */
export function saveDisposition(
  db: WritableDB,
  d: {
    partyDigest: string;
    source: string;
    entryId: string;
    entryDigest: string;
    disposition: Disposition['disposition'];
    note: string | null;
    analyst: string;
    decidedAt: string;
    reasonCode?: string | null;
    listVersion?: string;
    caseId?: string | null;
  },
): number {
  return recordDisposition(db, {
    ...d,
    listVersion: d.listVersion ?? listVersions(db).find((v) => v.source === d.source && v.active)?.label ?? 'unknown',
    entry: entryBy(db, d.source, d.entryId),
    caseId: d.caseId ?? null,
    state: 'in_force',
    reasonCode: d.reasonCode ?? null,
  });
}

export function entryBy(db: ReadableDB, source: string, entryId: string): SanctionsEntry | null {
  const r = db
    .prepare(
      'SELECT e.data FROM sanctions_entries e JOIN sanctions_lists l ON l.id = e.list_id WHERE l.source = ? AND l.active = 1 AND e.entry_id = ?',
    )
    .get(source, entryId) as { data: string } | undefined;
  return r ? (JSON.parse(r.data) as SanctionsEntry) : null;
}
