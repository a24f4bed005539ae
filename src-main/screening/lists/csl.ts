import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { normalizeBirthDate } from '../normalize';
import { ListFormatError, type ParsedList, type SanctionsEntry } from '../types';
import { countryCode } from './countries';
import { parseCsv } from './csv';
import { checkListFileSize } from './xml';

// The US Consolidated Screening List (CSV, one row per party; alt_names separated by ";").
// Many rows have no entity number, and the same source may list two parties of the same name (at
// different addresses): an id from source and name alone would let one row overwrite the other.

export function parseCslCsv(path: string): ParsedList {
  const file = path.split(/[\\/]/).pop() ?? path;
  checkListFileSize(path, file);
  const records = parseCsv(readFileSync(path, 'utf8'), file);
  const header = records.shift();
  const cols = header?.cells.map((c) => c.trim().toLowerCase()) ?? [];
  const at = (name: string) => cols.indexOf(name);
  for (const required of ['source', 'name', 'alt_names']) {
    if (at(required) < 0)
      throw new ListFormatError(
        `${file}:1`,
        `the header has no "${required}" column: not the Consolidated Screening List`,
      );
  }
  const entries: SanctionsEntry[] = [];
  const sha = (v: string) => createHash('sha256').update(v).digest('hex').slice(0, 16);
  // How often each source+name occurs without an entity number: those that repeat get an id from the whole row.
  const repeats = new Map<string, number>();
  const keyOf = (cells: string[]) => `${(cells[at('source')] ?? '').trim()}|${(cells[at('name')] ?? '').trim()}`;
  for (const { cells } of records) {
    if (at('entity_number') >= 0 && (cells[at('entity_number')] ?? '').trim()) continue;
    repeats.set(keyOf(cells), (repeats.get(keyOf(cells)) ?? 0) + 1);
  }
  const used = new Map<string, number>();
  for (const { line, cells } of records) {
    if (cells.length !== cols.length)
      throw new ListFormatError(`${file}:${line}`, `expected ${cols.length} columns, found ${cells.length}`);
    const get = (name: string) => (at(name) >= 0 ? (cells[at(name)] ?? '').trim() : '');
    const name = get('name');
    if (!name) throw new ListFormatError(`${file}:${line}`, 'the name is empty');
    const source = get('source');
    // No entity number: a digest of source and name keeps the id stable across versions; where that pair
    // repeats, the digest covers the whole row, and an identical repeated row gets a counter.
    let id =
      get('entity_number') ||
      get('_id') ||
      ((repeats.get(keyOf(cells)) ?? 0) > 1 ? sha(cells.join('\u001f')) : sha(`${source}|${name}`));
    const n = (used.get(id) ?? 0) + 1;
    used.set(id, n);
    if (n > 1) id = `${id}-${n}`;
    const split = (v: string) =>
      v
        .split(';')
        .map((x) => x.trim())
        .filter(Boolean);
    const type = get('type').toLowerCase();
    entries.push({
      entryId: id,
      kind:
        type === 'individual' ? 'individual' : type === 'vessel' ? 'vessel' : type === 'entity' ? 'entity' : 'unknown',
      names: [name, ...split(get('alt_names')).filter((a) => a !== name)],
      birthDates: split(get('dates_of_birth'))
        .map(normalizeBirthDate)
        .filter((d): d is string => !!d),
      countries: [...split(get('nationalities')), ...split(get('citizenships'))]
        .map(countryCode)
        .filter((c): c is string => !!c),
      programs: [source, ...split(get('programs'))].filter(Boolean),
      addresses: [],
      birthPlaces: split(get('places_of_birth')),
      // "ids" is "COUNTRY, NUMBER, TYPE" per identifier, identifiers separated by ";".
      identifiers: split(get('ids')).map((x) => {
        const [country = '', value = '', ...type] = x.split(',').map((p) => p.trim());
        return { type: type.join(', ') || 'identifier', value: value || x, country: country || null };
      }),
      postalAddresses: split(get('addresses')),
      listedOn: get('start_date') || null,
      remarks: get('remarks') || null,
    });
  }
  return { source: 'csl', publishedAt: null, entries };
}
