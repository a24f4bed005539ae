import { readFileSync } from 'node:fs';
import { normalizeBirthDate } from '../normalize';
import { ListFormatError, type ParsedList, type SanctionsEntry } from '../types';
import { countryCode } from './countries';
import { parseCsv } from './csv';
import { checkListFileSize } from './xml';

// The UK (OFSI) consolidated list, CSV form: a "Last Updated" line, a header, then one row per name
// (primary name or alias), grouped by "Group ID". Name 6 is the surname or the entity's name.

export function parseUkCsv(path: string): ParsedList {
  const file = path.split(/[\\/]/).pop() ?? path;
  checkListFileSize(path, file);
  const records = parseCsv(readFileSync(path, 'utf8'), file);
  let publishedAt: string | null = null;
  if (/^last updated$/i.test(records[0]?.cells[0]?.trim() ?? '')) {
    const d = /(\d{2})\/(\d{2})\/(\d{4})/.exec(records[0]?.cells[1] ?? '');
    if (d) publishedAt = `${d[3]}-${d[2]}-${d[1]}`;
    records.shift();
  }
  const header = records.shift();
  const cols = header?.cells.map((c) => c.trim().toLowerCase()) ?? [];
  const at = (n: string) => cols.indexOf(n);
  for (const required of ['name 6', 'group id', 'group type']) {
    if (at(required) < 0)
      throw new ListFormatError(
        `${file}:${header?.line ?? 1}`,
        `the header has no "${required}" column: not the UK consolidated list`,
      );
  }
  const groups = new Map<string, SanctionsEntry>();
  for (const { line, cells } of records) {
    if (cells.length !== cols.length)
      throw new ListFormatError(`${file}:${line}`, `expected ${cols.length} columns, found ${cells.length}`);
    const get = (n: string) => (at(n) >= 0 ? (cells[at(n)] ?? '').trim() : '');
    const id = get('group id');
    if (!id) throw new ListFormatError(`${file}:${line}`, 'the Group ID is empty');
    const name = ['name 1', 'name 2', 'name 3', 'name 4', 'name 5', 'name 6'].map(get).filter(Boolean).join(' ');
    if (!name) throw new ListFormatError(`${file}:${line}`, 'the name is empty');
    const type = get('group type').toLowerCase();
    const e =
      groups.get(id) ??
      ({
        entryId: id,
        kind: type === 'individual' ? 'individual' : type === 'ship' ? 'vessel' : 'entity',
        names: [],
        birthDates: [],
        countries: [],
        programs: [],
        addresses: [],
        birthPlaces: [],
        identifiers: [],
        postalAddresses: [],
        listedOn: null,
        remarks: null,
      } as SanctionsEntry);
    const primary = /primary/i.test(get('alias type'));
    if (!e.names.includes(name)) {
      if (primary) e.names.unshift(name);
      else e.names.push(name);
    }
    const dob = normalizeBirthDate(get('dob').replace(/(\d{2})\/(\d{2})\/(\d{4})/, '$3-$2-$1'));
    if (dob && !e.birthDates.includes(dob)) e.birthDates.push(dob);
    for (const c of [countryCode(get('nationality')), countryCode(get('country'))])
      if (c && !e.countries.includes(c)) e.countries.push(c);
    const add = <T>(xs: T[] | undefined, v: T, same: (a: T) => boolean) => {
      if (xs && !xs.some(same)) xs.push(v);
    };
    const pob = [get('town of birth'), get('country of birth')].filter(Boolean).join(', ');
    if (pob) add(e.birthPlaces, pob, (x) => x === pob);
    const addr = [
      'address 1',
      'address 2',
      'address 3',
      'address 4',
      'address 5',
      'address 6',
      'post/zip code',
      'country',
    ]
      .map(get)
      .filter(Boolean)
      .join(', ');
    if (addr && ['address 1', 'address 2', 'post/zip code'].some((k) => get(k)))
      add(e.postalAddresses, addr, (x) => x === addr);
    for (const [col, type, detail] of [
      ['passport number', 'Passport', 'passport details'],
      ['national identification number', 'National identification', 'national identification details'],
    ] as const) {
      const v = get(col);
      if (v)
        add(
          e.identifiers,
          { type: get(detail) ? `${type} (${get(detail)})` : type, value: v, country: null },
          (x) => x.value === v,
        );
    }
    const listed = /(\d{2})\/(\d{2})\/(\d{4})/.exec(get('listed on'));
    if (listed && !e.listedOn) e.listedOn = `${listed[3]}-${listed[2]}-${listed[1]}`;
    if (get('other information') && !e.remarks) e.remarks = get('other information');
    const regime = get('regime');
    if (regime && !e.programs.includes(regime)) e.programs.push(regime);
    groups.set(id, e);
  }
  return { source: 'uk', publishedAt, entries: [...groups.values()] };
}
