import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeBirthDate } from '../normalize';
import { ListFormatError, type ParsedList, type SanctionsEntry } from '../types';
import { countryCode } from './countries';
import { parseCsv } from './csv';
import { checkListFileSize } from './xml';

// OFAC's legacy CSV set: SDN.CSV (12 columns), ALT.CSV (aliases, 5), ADD.CSV (addresses, 6) and
// SDN_COMMENTS.CSV (remarks that did not fit, 2). "-0-" means empty. File names in any case.

const NULL = (s: string | undefined) => (s === undefined || s.trim() === '-0-' || s.trim() === '' ? null : s.trim());

function find(dir: string, name: string, required: boolean): string | null {
  const hit = readdirSync(dir).find((f) => f.toLowerCase() === name);
  if (!hit && required) throw new ListFormatError(dir, `no ${name.toUpperCase()} in this folder (looked for any case)`);
  return hit ? join(dir, hit) : null;
}

function rows(path: string | null, columns: number): { line: number; cells: string[] }[] {
  if (!path) return [];
  const name = path.split(/[\\/]/).pop() ?? path;
  checkListFileSize(path, name);
  const recs = parseCsv(readFileSync(path, 'latin1'), name);
  for (const r of recs) {
    // OFAC pads the last line with a lone control character; tolerate an empty trailing record.
    const only = (r.cells[0] ?? '').trim();
    if (r.cells.length === 1 && (only === '' || only === String.fromCharCode(0x1a))) continue;
    if (r.cells.length !== columns)
      throw new ListFormatError(`${name}:${r.line}`, `expected ${columns} columns, found ${r.cells.length}`);
    if (!/^\d+$/.test((r.cells[0] ?? '').trim()))
      throw new ListFormatError(
        `${name}:${r.line}`,
        `entry number "${(r.cells[0] ?? '').slice(0, 20)}" is not a number`,
      );
  }
  return recs.filter((r) => r.cells.length === columns);
}

export function parseOfacCsv(dir: string): ParsedList {
  const sdn = rows(find(dir, 'sdn.csv', true), 12);
  const alt = rows(find(dir, 'alt.csv', false), 5);
  const add = rows(find(dir, 'add.csv', false), 6);
  const comments = rows(find(dir, 'sdn_comments.csv', false), 2);
  const entries = new Map<
    string,
    SanctionsEntry & {
      remarks: string;
      birthPlaces: string[];
      identifiers: NonNullable<SanctionsEntry['identifiers']>;
      postalAddresses: string[];
    }
  >();
  for (const { line, cells } of sdn) {
    const [id = '', name = '', type, program, , , , , , , , remarks] = cells.map((c) => c.trim());
    if (!NULL(name)) throw new ListFormatError(`SDN.CSV:${line}`, 'the name is empty');
    const t = (NULL(type) ?? '').toLowerCase();
    entries.set(id, {
      entryId: id,
      kind: t === 'individual' ? 'individual' : t === 'vessel' ? 'vessel' : t === 'aircraft' ? 'aircraft' : 'entity',
      names: [name],
      birthDates: [],
      countries: [],
      programs: (NULL(program) ?? '')
        .split(/\] \[/)
        .map((p) => p.replace(/[[\]]/g, '').trim())
        .filter(Boolean),
      addresses: [],
      birthPlaces: [],
      identifiers: [],
      postalAddresses: [],
      listedOn: null,
      remarks: NULL(remarks) ?? '',
    });
  }
  for (const { cells } of comments) {
    const e = entries.get((cells[0] ?? '').trim());
    if (e) e.remarks += ' ' + (NULL(cells[1]) ?? '');
  }
  for (const { cells } of alt) {
    const e = entries.get((cells[0] ?? '').trim());
    const n = NULL(cells[3]);
    if (e && n && !e.names.includes(n)) e.names.push(n);
  }
  for (const { cells } of add) {
    const e = entries.get((cells[0] ?? '').trim());
    const c = countryCode(NULL(cells[4]));
    if (e && c && !e.countries.includes(c)) e.countries.push(c);
    const line = [cells[2], cells[3], cells[4]].map(NULL).filter(Boolean).join(', ');
    if (e && line && !e.postalAddresses.includes(line)) e.postalAddresses.push(line);
  }
  for (const e of entries.values()) {
    for (const m of e.remarks.matchAll(/DOB ([^;]+)/g)) {
      const d = normalizeBirthDate(m[1] ?? '');
      if (d && !e.birthDates.includes(d)) e.birthDates.push(d);
    }
    for (const m of e.remarks.matchAll(/(?:nationality|citizen) ([^;]+)/gi)) {
      const c = countryCode(m[1]?.trim());
      if (c && !e.countries.includes(c)) e.countries.push(c);
    }
    // Remarks name aliases too ("a.k.a. 'BNC'"), not always repeated in ALT.CSV.
    for (const m of e.remarks.matchAll(/\b[afn]\.k\.a\. '([^']+)'/g)) {
      const alias = m[1]?.trim();
      if (alias && !e.names.some((n) => n.toLowerCase() === alias.toLowerCase())) e.names.push(alias);
    }
    for (const m of e.remarks.matchAll(/POB ([^;]+)/g)) {
      const p = m[1]?.trim().replace(/\.$/, '');
      if (p && !e.birthPlaces.includes(p)) e.birthPlaces.push(p);
    }
    // "Passport 1084010 (Egypt)", "National ID No. 3603251708570001", "Tax ID No. 80-0890696 (United States)".
    for (const m of e.remarks.matchAll(
      /(Passport|National ID No\.|Tax ID No\.|Cedula No\.|C\.U\.R\.P\.|SSN|Registration Number|Identification Number|Company Number) ([^;(]+?)(?: \(([^)]+)\))?(?=;|\.?$)/g,
    )) {
      e.identifiers.push({ type: m[1]!, value: m[2]!.trim(), country: m[3]?.trim() ?? null });
    }
    for (const m of e.remarks.matchAll(/Digital Currency Address - ([A-Z0-9]+) ([^;\s]+)/g)) {
      e.addresses.push({ chain: m[1] ?? '', address: m[2] ?? '' });
    }
  }
  return {
    source: 'ofac',
    publishedAt: null,
    entries: [...entries.values()].map((e) => ({ ...e, remarks: e.remarks.trim() || null })),
  };
}
