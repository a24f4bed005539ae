// Display names for the queue, read from either IVMS101 edition. This is presentation only:
// validation lives in the IVMS101 engine. Anything unexpected gives null, never an exception.

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

function personName(
  person: unknown,
  field: 'nameIdentifier' | 'localNameIdentifier' = 'nameIdentifier',
): string | null {
  const p = obj(person);
  const natural = obj(p?.naturalPerson);
  if (natural) {
    const ids = arr(obj(natural.name)?.[field])
      .map(obj)
      .filter((x): x is Json => !!x);
    const type = (x: Json) => String(x.nameIdentifierType ?? x.naturalPersonNameIdentifierType ?? '').toUpperCase();
    const pick = ids.find((x) => type(x) === 'LEGL') ?? ids[0];
    if (!pick) return null;
    const parts = [str(pick.secondaryIdentifier), str(pick.primaryIdentifier)].filter(Boolean);
    return parts.length ? parts.join(' ') : null;
  }
  const legal = obj(p?.legalPerson);
  if (legal) {
    const ids = arr(obj(legal.name)?.[field])
      .map(obj)
      .filter((x): x is Json => !!x);
    const type = (x: Json) => String(x.legalPersonNameIdentifierType ?? '').toUpperCase();
    const pick = ids.find((x) => type(x) === 'LEGL') ?? ids[0];
    return str(pick?.legalPersonName) ?? null;
  }
  return null;
}

function firstPerson(side: unknown, plural: string, singular: string): unknown {
  const s = obj(side);
  return arr(s?.[plural] ?? s?.[singular])[0];
}

export function displayNames(ivms101: unknown): { originator: string | null; beneficiary: string | null } {
  const root = obj(ivms101);
  return {
    originator: personName(firstPerson(root?.originator, 'originatorPersons', 'originatorPerson')),
    beneficiary: personName(firstPerson(root?.beneficiary, 'beneficiaryPersons', 'beneficiaryPerson')),
  };
}

/** The names in their local script (localNameIdentifier), where the payload carries them. */
export function localDisplayNames(ivms101: unknown): { originator: string | null; beneficiary: string | null } {
  const root = obj(ivms101);
  return {
    originator: personName(
      firstPerson(root?.originator, 'originatorPersons', 'originatorPerson'),
      'localNameIdentifier',
    ),
    beneficiary: personName(
      firstPerson(root?.beneficiary, 'beneficiaryPersons', 'beneficiaryPerson'),
      'localNameIdentifier',
    ),
  };
}
