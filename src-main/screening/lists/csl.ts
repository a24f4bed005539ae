import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { normalizeBirthDate } from '../normalize';
import { ListFormatError, type ParsedList, type SanctionsEntry } from '../types';
import { countryCode } from './countries';
import { parseCsv } from './csv';

// The US Consolidated Screening List (CSV, one row per party; alt_names separated by ";").

export function parseCslCsv(path: string): ParsedList {
  const file = path.split(/[\\/]/).pop() ?? path;
  const records = parseCsv(readFileSync(path, 'utf8'), file);
  const header = records.shift();
  const cols = header?.cells.map((c) => c.trim().toLowerCase()) ?? [];
  const at = (name: string) => cols.indexOf(name);
  for (const required of ['source', 'name', 'alt_names']) {
    if (at(required) < 0) throw new ListFormatError(`${file}:1`, `the header has no "${required}" column: not the Consolidated Screening List`);
  }
  const entries: SanctionsEntry[] = [];
  for (const { line, cells } of records) {
    if (cells.length !== cols.length) throw new ListFormatError(`${file}:${line}`, `expected ${cols.length} columns, found ${cells.length}`);
    const get = (name: string) => (at(name) >= 0 ? (cells[at(name)] ?? '').trim() : '');
    const name = get('name');
    if (!name) throw new ListFormatError(`${file}:${line}`, 'the name is empty');
    const source = get('source');
    // CSL rows often have no entity number; a digest of source and name keeps the id stable across versions.
    const id = get('entity_number') || get('_id') || createHash('sha256').update(`${source}|${name}`).digest('hex').slice(0, 16);
    const split = (v: string) => v.split(';').map((x) => x.trim()).filter(Boolean);
    const type = get('type').toLowerCase();
    entries.push({
      entryId: id,
      kind: type === 'individual' ? 'individual' : type === 'vessel' ? 'vessel' : type === 'entity' ? 'entity' : 'unknown',
      names: [name, ...split(get('alt_names')).filter((a) => a !== name)],
      birthDates: split(get('dates_of_birth')).map(normalizeBirthDate).filter((d): d is string => !!d),
      countries: [...split(get('nationalities')), ...split(get('citizenships'))].map(countryCode).filter((c): c is string => !!c),
      programs: [source, ...split(get('programs'))].filter(Boolean),
      addresses: [],
    });
  }
  return { source: 'csl', publishedAt: null, entries };
}
