import { readFileSync } from 'node:fs';
import { normalizeBirthDate } from '../normalize';
import { ListFormatError, type ParsedList, type SanctionsEntry } from '../types';
import { countryCode } from './countries';
import { checkListFileSize, list, parseXml, text } from './xml';

// The UN Security Council Consolidated List (XML): INDIVIDUALS/INDIVIDUAL and ENTITIES/ENTITY.

type Node = Record<string, unknown>;

export function parseUnXml(path: string): ParsedList {
  const file = path.split(/[\\/]/).pop() ?? path;
  checkListFileSize(path, file);
  const doc = parseXml(readFileSync(path, 'utf8'), file, [
    'INDIVIDUAL',
    'ENTITY',
    'INDIVIDUAL_ALIAS',
    'ENTITY_ALIAS',
    'INDIVIDUAL_DATE_OF_BIRTH',
    'NATIONALITY',
    'VALUE',
    'INDIVIDUAL_ADDRESS',
    'ENTITY_ADDRESS',
    'INDIVIDUAL_PLACE_OF_BIRTH',
    'INDIVIDUAL_DOCUMENT',
  ]);
  const root = doc.CONSOLIDATED_LIST as Node | undefined;
  if (!root) throw new ListFormatError(file, 'no CONSOLIDATED_LIST element: not the UN consolidated list');
  const entries: SanctionsEntry[] = [];
  const individuals = list((root.INDIVIDUALS as Node | undefined)?.INDIVIDUAL as Node[] | undefined);
  const organisations = list((root.ENTITIES as Node | undefined)?.ENTITY as Node[] | undefined);
  const read = (n: Node, i: number, kind: 'individual' | 'entity') => {
    const id = text(n.DATAID);
    const where = `${file}: ${kind === 'individual' ? 'INDIVIDUAL' : 'ENTITY'} #${i + 1}`;
    if (!id) throw new ListFormatError(where, 'has no DATAID');
    const primary = ['FIRST_NAME', 'SECOND_NAME', 'THIRD_NAME', 'FOURTH_NAME']
      .map((k) => text(n[k]))
      .filter(Boolean)
      .join(' ');
    if (!primary) throw new ListFormatError(`${where} (DATAID ${id})`, 'has no name');
    const names = [primary];
    const original = text(n.NAME_ORIGINAL_SCRIPT);
    if (original) names.push(original);
    for (const a of list((kind === 'individual' ? n.INDIVIDUAL_ALIAS : n.ENTITY_ALIAS) as Node[] | undefined)) {
      const alias = text(a.ALIAS_NAME);
      if (alias && !names.includes(alias)) names.push(alias);
    }
    const birthDates: string[] = [];
    for (const d of list(n.INDIVIDUAL_DATE_OF_BIRTH as Node[] | undefined)) {
      const v = normalizeBirthDate(text(d.DATE) ?? text(d.YEAR) ?? text(d.FROM_YEAR) ?? '');
      if (v && !birthDates.includes(v)) birthDates.push(v);
    }
    const countries: string[] = [];
    for (const nat of list(n.NATIONALITY as Node[] | undefined))
      for (const v of list(nat.VALUE as unknown[] | undefined)) {
        const c = countryCode(text(v));
        if (c && !countries.includes(c)) countries.push(c);
      }
    const postalAddresses: string[] = [];
    for (const a of list((kind === 'individual' ? n.INDIVIDUAL_ADDRESS : n.ENTITY_ADDRESS) as Node[] | undefined)) {
      const c = countryCode(text(a.COUNTRY));
      if (c && !countries.includes(c)) countries.push(c);
      const line = ['STREET', 'CITY', 'STATE_PROVINCE', 'ZIP_CODE', 'COUNTRY']
        .map((k) => text(a[k]))
        .filter(Boolean)
        .join(', ');
      const note = text(a.NOTE);
      if (line) postalAddresses.push(note ? `${line} (${note})` : line);
    }
    const birthPlaces = list(n.INDIVIDUAL_PLACE_OF_BIRTH as Node[] | undefined)
      .map((b) =>
        ['CITY', 'STATE_PROVINCE', 'COUNTRY']
          .map((k) => text(b[k]))
          .filter(Boolean)
          .join(', '),
      )
      .filter(Boolean);
    const identifiers = list(n.INDIVIDUAL_DOCUMENT as Node[] | undefined)
      .filter((d) => text(d.NUMBER))
      .map((d) => ({
        type: text(d.TYPE_OF_DOCUMENT) ?? 'document',
        value: text(d.NUMBER)!,
        country: text(d.ISSUING_COUNTRY),
      }));
    entries.push({
      entryId: id,
      kind,
      names,
      birthDates,
      countries,
      programs: [text(n.UN_LIST_TYPE) ?? ''].filter(Boolean),
      addresses: [],
      birthPlaces,
      identifiers,
      postalAddresses,
      listedOn: text(n.LISTED_ON),
      remarks: text(n.COMMENTS1),
    });
  };
  individuals.forEach((n, i) => read(n, i, 'individual'));
  organisations.forEach((n, i) => read(n, i, 'entity'));
  const generated = (root['@dateGenerated'] as string | undefined) ?? null;
  return { source: 'un', publishedAt: generated, entries };
}
