import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../audit/canonical-json';
import type { ReadableDB, WritableDB } from '../store/db';
import { parseCslCsv } from './lists/csl';
import { parseEuXml } from './lists/eu';
import { parseOfacCsv } from './lists/ofac';
import { parseUkCsv } from './lists/uk';
import { parseUnXml } from './lists/un';
import type { IndexedList } from './search';
import { ListFormatError, type ListSource, type ParsedList, type SanctionsEntry } from './types';

export interface ListVersion {
  id: number;
  source: ListSource;
  label: string;
  publishedAt: string | null;
  importedAt: string;
  entryCount: number;
  active: boolean;
}

/** Reads a list file (or, for OFAC's CSV set, the folder holding it). Throws ListFormatError on bad input. */
export function parseList(source: ListSource, path: string): ParsedList {
  switch (source) {
    case 'ofac':
      if (!statSync(path).isDirectory()) throw new ListFormatError(path, "OFAC's CSV set is read from the folder holding SDN.CSV, ALT.CSV, ADD.CSV and SDN_COMMENTS.CSV");
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

/**
 * Imports a new version of a list. It is parsed completely first; only then, in one transaction, is it
 * stored and made the active version. A malformed file throws and the previous version stays in force.
 */
export function importList(db: WritableDB, source: ListSource, path: string, now = new Date().toISOString()): ListVersion {
  const parsed = parseList(source, path);
  if (parsed.entries.length === 0) throw new ListFormatError(path, 'the list has no entries; refusing to replace the version in force with an empty one');
  const digest = fileDigest(path);
  const label = `${source} ${(parsed.publishedAt ?? now).slice(0, 10)} (${digest.slice(0, 8)})`;
  const id = db.transaction(() => {
    db.prepare('UPDATE sanctions_lists SET active = 0 WHERE source = ? AND active = 1').run(source);
    const r = db
      .prepare('INSERT INTO sanctions_lists (source, label, published_at, imported_at, entry_count, digest, active) VALUES (?, ?, ?, ?, ?, ?, 1)')
      .run(source, label, parsed.publishedAt, now, parsed.entries.length, digest);
    const insert = db.prepare('INSERT OR REPLACE INTO sanctions_entries (list_id, entry_id, data) VALUES (?, ?, ?)');
    for (const e of parsed.entries) insert.run(r.lastInsertRowid, e.entryId, JSON.stringify(e));
    return Number(r.lastInsertRowid);
  })();
  return { id, source, label, publishedAt: parsed.publishedAt, importedAt: now, entryCount: parsed.entries.length, active: true };
}

export function listVersions(db: ReadableDB): ListVersion[] {
  return (
    db
      .prepare('SELECT id, source, label, published_at AS publishedAt, imported_at AS importedAt, entry_count AS entryCount, active FROM sanctions_lists ORDER BY id')
      .all() as (Omit<ListVersion, 'active'> & { active: number })[]
  ).map((r) => ({ ...r, active: r.active === 1 }));
}

/** The entries of every active list version, ready for the index. */
export function activeLists(db: ReadableDB): IndexedList[] {
  return listVersions(db)
    .filter((v) => v.active)
    .map((v) => ({
      source: v.source,
      version: v.label,
      entries: (db.prepare('SELECT data FROM sanctions_entries WHERE list_id = ?').all(v.id) as { data: string }[]).map((r) => JSON.parse(r.data) as SanctionsEntry),
    }));
}

export interface Disposition {
  disposition: 'false_positive' | 'true_match';
  note: string | null;
  analyst: string;
  decidedAt: string;
}

export function findDisposition(db: ReadableDB, partyDigest: string, source: string, entryId: string, entryDig: string): Disposition | null {
  return (
    (db
      .prepare(
        `SELECT disposition, note, analyst, decided_at AS decidedAt FROM screening_dispositions
         WHERE party_digest = ? AND source = ? AND entry_id = ? AND entry_digest = ?`,
      )
      .get(partyDigest, source, entryId, entryDig) as Disposition | undefined) ?? null
  );
}

export function saveDisposition(db: WritableDB, d: Disposition & { partyDigest: string; source: string; entryId: string; entryDigest: string }): void {
  db.prepare(
    `INSERT OR REPLACE INTO screening_dispositions (party_digest, source, entry_id, entry_digest, disposition, note, analyst, decided_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(d.partyDigest, d.source, d.entryId, d.entryDigest, d.disposition, d.note, d.analyst, d.decidedAt);
}

export function entryBy(db: ReadableDB, source: string, entryId: string): SanctionsEntry | null {
  const r = db
    .prepare('SELECT e.data FROM sanctions_entries e JOIN sanctions_lists l ON l.id = e.list_id WHERE l.source = ? AND l.active = 1 AND e.entry_id = ?')
    .get(source, entryId) as { data: string } | undefined;
  return r ? (JSON.parse(r.data) as SanctionsEntry) : null;
}
