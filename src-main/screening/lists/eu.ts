import { readFileSync } from 'node:fs';
import { ListFormatError, type ParsedList, type SanctionsEntry } from '../types';
import { checkListFileSize, list, parseXml } from './xml';

// The EU consolidated financial sanctions list (XML, "xmlFullSanctionsList_1_1"):
// export/sanctionEntity with nameAlias, birthdate, citizenship and address elements.

type Node = Record<string, unknown>;

export function parseEuXml(path: string): ParsedList {
  const file = path.split(/[\\/]/).pop() ?? path;
  checkListFileSize(path, file);
  const doc = parseXml(readFileSync(path, 'utf8'), file, [
    'sanctionEntity',
    'nameAlias',
    'birthdate',
    'citizenship',
    'address',
    'regulation',
    'identification',
  ]);
  const root = doc.export as Node | undefined;
  if (!root) throw new ListFormatError(file, 'no export element: not the EU consolidated list');
  const entries: SanctionsEntry[] = list(root.sanctionEntity as Node[] | undefined).map((n, i) => {
    const id = (n['@logicalId'] as string | undefined) ?? (n['@euReferenceNumber'] as string | undefined);
    if (!id) throw new ListFormatError(`${file}: sanctionEntity #${i + 1}`, 'has no logicalId');
    const names = list(n.nameAlias as Node[] | undefined)
      .map(
        (a) =>
          (a['@wholeName'] as string | undefined)?.trim() ||
          [a['@firstName'], a['@middleName'], a['@lastName']].filter(Boolean).join(' '),
      )
      .filter((x): x is string => !!x);
    if (!names.length) throw new ListFormatError(`${file}: sanctionEntity ${id}`, 'has no nameAlias with a name');
    const code = ((n.subjectType as Node | undefined)?.['@code'] as string | undefined) ?? '';
    const birthDates = list(n.birthdate as Node[] | undefined)
      .map((b) => (b['@birthdate'] as string | undefined) ?? (b['@year'] as string | undefined))
      .filter((x): x is string => !!x);
    const countries = [...list(n.citizenship as Node[] | undefined), ...list(n.address as Node[] | undefined)]
      .map((c) => c['@countryIso2Code'] as string | undefined)
      .filter((c): c is string => !!c && /^[A-Z]{2}$/.test(c) && c !== '00');
    const programs = list(n.regulation as Node[] | undefined)
      .map((r) => (r['@programme'] as string | undefined) ?? '')
      .filter(Boolean);
    const attr = (x: Node, k: string) => ((x[`@${k}`] as string | undefined) ?? '').trim();
    const birthPlaces = list(n.birthdate as Node[] | undefined)
      .map((b) => [attr(b, 'city'), attr(b, 'region'), attr(b, 'countryDescription')].filter(Boolean).join(', '))
      .filter(Boolean);
    const postalAddresses = list(n.address as Node[] | undefined)
      .map((a) =>
        [attr(a, 'street'), attr(a, 'city'), attr(a, 'zipCode'), attr(a, 'region'), attr(a, 'countryDescription')]
          .filter(Boolean)
          .join(', '),
      )
      .filter(Boolean);
    const identifiers = list(n.identification as Node[] | undefined)
      .filter((d) => attr(d, 'number'))
      .map((d) => ({
        type: attr(d, 'identificationTypeDescription') || attr(d, 'identificationTypeCode') || 'document',
        value: attr(d, 'number'),
        country: attr(d, 'countryIso2Code') || null,
      }));
    const listedOn =
      list(n.regulation as Node[] | undefined)
        .map((r) => attr(r, 'entryIntoForceDate') || attr(r, 'publicationDate'))
        .filter(Boolean)
        .sort()[0] ?? null;
    const remark = n.remark;
    const remarks = typeof remark === 'string' ? remark.trim() || null : null;
    return {
      entryId: String(id),
      kind: code === 'person' ? 'individual' : code === 'enterprise' ? 'entity' : 'unknown',
      names: [...new Set(names)],
      birthDates: [...new Set(birthDates)],
      countries: [...new Set(countries)],
      programs: [...new Set(programs)],
      addresses: [],
      birthPlaces: [...new Set(birthPlaces)],
      identifiers,
      postalAddresses: [...new Set(postalAddresses)],
      listedOn,
      remarks,
    };
  });
  return { source: 'eu', publishedAt: (root['@generationDate'] as string | undefined) ?? null, entries };
}
