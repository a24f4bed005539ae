import { isValidLeiChecksum, LEI_PATTERN } from './lei';
import { pointer, type Problem } from './problems';
import { field, has, object, objects, spelled, value, values, type CObject, type ReadContext } from './read';
import type { Edition } from './schema';

// The cross-field rules of IVMS101 §5.2.1.2 (C1-C12) and the edition rule of 101.2023, over the
// tree read.ts produced. Each problem names its constraint and points into the input as given.

export interface RuleOptions {
  /** "Today" for C2 (date of birth in the past); ISO date YYYY-MM-DD. */
  today: string;
}

type Role = 'originator' | 'beneficiary' | 'vasp' | 'intermediary' | 'unknown';

function push(ctx: ReadContext, p: Omit<Problem, 'severity'> & { severity?: Problem['severity'] }) {
  ctx.problems.push({ severity: 'error', ...p });
}

const personLabel: Record<Role, string> = {
  originator: 'The originator',
  beneficiary: 'The beneficiary',
  vasp: 'The VASP',
  intermediary: 'The intermediary VASP',
  unknown: 'The person',
};

function checkAddress(ctx: ReadContext, a: CObject) {
  // C8: addressLine, or streetName with buildingName and/or buildingNumber.
  const hasLines = has(a, 'addressLine');
  if (!hasLines && !(has(a, 'streetName') && (has(a, 'buildingName') || has(a, 'buildingNumber')))) {
    push(ctx, {
      code: 'C8_ADDRESS_INCOMPLETE',
      constraint: 'C8',
      path: a.ptr,
      message: 'The address needs either address lines, or a street name together with a building name or number.',
    });
  }
  // townName: [1..1] in the structure tables, [0..1] in the element text (docs/ivms101-decisions.md).
  if (!has(a, 'townName')) {
    const townSpec = field(a, 'townName')?.spec;
    const name = townSpec ? spelled(a, townSpec, ctx.edition) : a.snake ? 'town_name' : 'townName';
    push(ctx, {
      code: 'TOWN_NAME_MISSING',
      constraint: null,
      path: pointer(a.ptr, name),
      message: hasLines
        ? 'The address has no town name; the address lines may carry it (the standard is ambiguous here).'
        : 'The address has no town name and no address lines, so its town is unknown.',
      severity: hasLines ? 'warning' : 'error',
    });
  }
}

function checkNatural(ctx: ReadContext, np: CObject, role: Role, opts: RuleOptions) {
  // C6: at least one legal (LEGL) name.
  const names = objects(np, 'name').flatMap((n) => objects(n, 'nameIdentifier'));
  // A name without its type is already reported as missing that type; judge C6 only on typed names.
  const typed = names.every((n) => has(n, 'naturalPersonNameIdentifierType'));
  if (names.length && typed && !names.some((n) => value(n, 'naturalPersonNameIdentifierType') === 'LEGL')) {
    push(ctx, {
      code: 'C6_NO_LEGAL_NAME',
      constraint: 'C6',
      path: field(object(np, 'name'), 'nameIdentifier')?.ptr ?? np.ptr,
      message: `${personLabel[role]} has no legal name: at least one name identifier must have the type LEGL.`,
    });
  }
  // C2: date of birth in the past.
  const birth = object(np, 'dateAndPlaceOfBirth');
  const dob = values(birth, 'dateOfBirth')[0];
  if (dob && typeof dob.value === 'string' && dob.value >= opts.today) {
    push(ctx, {
      code: 'C2_BIRTH_NOT_PAST',
      constraint: 'C2',
      path: dob.ptr,
      message: `The date of birth ${dob.value} is not in the past.`,
    });
  }
  // C1: the originator needs one identifying element beyond the name.
  if (role === 'originator') {
    const address = objects(np, 'geographicAddress').some((a) =>
      ['GEOG', 'HOME', 'BIZZ'].includes(String(value(a, 'addressType'))),
    );
    if (
      !address &&
      !has(np, 'customerIdentification') &&
      !has(np, 'nationalIdentification') &&
      !has(np, 'dateAndPlaceOfBirth')
    ) {
      push(ctx, {
        code: 'C1_ORIGINATOR_UNIDENTIFIED',
        constraint: 'C1',
        path: np.ptr,
        message:
          'The originator needs at least one of: an address, a customer number, a national identity document, or a date and place of birth.',
      });
    }
  }
  objects(np, 'geographicAddress').forEach((a) => checkAddress(ctx, a));
}

function checkLegal(ctx: ReadContext, lp: CObject, role: Role) {
  // C5: at least one LEGL legal person name.
  const names = objects(object(lp, 'name'), 'nameIdentifier');
  const typed = names.every((n) => has(n, 'legalPersonNameIdentifierType'));
  if (names.length && typed && !names.some((n) => value(n, 'legalPersonNameIdentifierType') === 'LEGL')) {
    push(ctx, {
      code: 'C5_NO_LEGAL_NAME',
      constraint: 'C5',
      path: field(object(lp, 'name'), 'nameIdentifier')?.ptr ?? lp.ptr,
      message: `${personLabel[role]} (a legal person) has no legal name: at least one name must have the type LEGL.`,
    });
  }
  const nid = object(lp, 'nationalIdentification');
  if (nid) {
    const type = value(nid, 'nationalIdentifierType');
    const typePtr = field(nid, 'nationalIdentifierType')?.ptr ?? nid.ptr;
    // C7: a legal person's identifier is RAID, MISC, LEIX or TXID.
    if (type && !['RAID', 'MISC', 'LEIX', 'TXID'].includes(String(type))) {
      push(ctx, {
        code: 'C7_LEGAL_ID_TYPE',
        constraint: 'C7',
        path: typePtr,
        message: `A legal person's national identifier must be of type RAID, MISC, LEIX or TXID, not ${type}.`,
      });
    }
    // C9: no countryOfIssue; registrationAuthority required unless LEIX, forbidden with LEIX. Judged on
    // what was given, even a value that failed its datatype: it is still there (or still missing).
    const coi = field(nid, 'countryOfIssue');
    if (coi) {
      push(ctx, {
        code: 'C9_COUNTRY_OF_ISSUE',
        constraint: 'C9',
        path: coi.ptr,
        message: "A legal person's identification must not have a country of issue.",
      });
    }
    const ra = field(nid, 'registrationAuthority');
    if (type === 'LEIX' && ra) {
      push(ctx, {
        code: 'C9_RA_WITH_LEI',
        constraint: 'C9',
        path: ra.ptr,
        message: 'An LEI (type LEIX) must not come with a registration authority.',
      });
    } else if (type && type !== 'LEIX' && !ra) {
      push(ctx, {
        code: 'C9_RA_REQUIRED',
        constraint: 'C9',
        path: pointer(nid.ptr, nid.snake ? 'registration_authority' : 'registrationAuthority'),
        message: `A legal person's identifier of type ${type} needs the registration authority that issued it.`,
      });
    }
    // C11: an LEI follows LEIText; the ISO 17442 check digits are checked too (a warning: see the decisions page).
    const id = values(nid, 'nationalIdentifier')[0];
    if (type === 'LEIX' && id) {
      const lei = String(id.value);
      if (!LEI_PATTERN.test(lei)) {
        push(ctx, {
          code: 'C11_LEI_FORMAT',
          constraint: 'C11',
          path: id.ptr,
          message: `"${lei.slice(0, 25)}" is not an LEI: 18 capital letters or digits followed by 2 check digits.`,
        });
      } else if (!isValidLeiChecksum(lei)) {
        push(ctx, {
          code: 'C11_LEI_CHECKSUM',
          constraint: 'C11',
          path: id.ptr,
          message: `LEI ${lei} has the right form but its check digits are wrong (ISO 17442, MOD 97-10): probably mistyped or invented.`,
          severity: 'warning',
        });
      }
    }
  }
  // C4: an originator legal person needs a geographic address, a customer number or a national identification.
  if (role === 'originator') {
    const geog = objects(lp, 'geographicAddress').some((a) => value(a, 'addressType') === 'GEOG');
    if (!geog && !has(lp, 'customerIdentification') && !has(lp, 'nationalIdentification')) {
      push(ctx, {
        code: 'C4_ORIGINATOR_UNIDENTIFIED',
        constraint: 'C4',
        path: lp.ptr,
        message:
          'The originator (a legal person) needs at least one of: a geographic (GEOG) address, a customer number, or a national identification.',
      });
    }
  }
  objects(lp, 'geographicAddress').forEach((a) => checkAddress(ctx, a));
}

export function checkPerson(ctx: ReadContext, person: CObject, role: Role, opts: RuleOptions) {
  const natural = object(person, 'naturalPerson');
  const legal = object(person, 'legalPerson');
  if (natural && legal) {
    push(ctx, {
      code: 'PERSON_ONE_OF',
      constraint: null,
      path: person.ptr,
      message: 'A person must be either a natural person or a legal person, not both.',
    });
  } else if (!field(person, 'naturalPerson') && !field(person, 'legalPerson')) {
    push(ctx, {
      code: 'PERSON_ONE_OF',
      constraint: null,
      path: person.ptr,
      message: 'A person must be either a natural person or a legal person; neither is given.',
    });
  }
  if (natural) checkNatural(ctx, natural, role, opts);
  if (legal) checkLegal(ctx, legal, role);
}

export function checkPayload(ctx: ReadContext, root: CObject, opts: RuleOptions, edition: Edition) {
  for (const p of objects(object(root, 'originator'), 'originatorPerson')) checkPerson(ctx, p, 'originator', opts);
  for (const p of objects(object(root, 'beneficiary'), 'beneficiaryPerson')) checkPerson(ctx, p, 'beneficiary', opts);
  for (const p of objects(object(root, 'originatingVASP'), 'originatingVASP')) checkPerson(ctx, p, 'vasp', opts);
  for (const p of objects(object(root, 'beneficiaryVASP'), 'beneficiaryVASP')) checkPerson(ctx, p, 'vasp', opts);
  const hops = objects(object(root, 'transferPath'), 'transferPath');
  for (const hop of hops) for (const p of objects(hop, 'intermediaryVASP')) checkPerson(ctx, p, 'intermediary', opts);
  // C12: sequences start at 0 and run without gaps.
  const seqs = hops.map((h) => value(h, 'sequence')).filter((s): s is number => typeof s === 'number');
  if (seqs.length) {
    const sorted = [...seqs].sort((a, b) => a - b);
    const broken = sorted.findIndex((s, i) => s !== i);
    if (broken >= 0) {
      const culprit = hops.find((h) => value(h, 'sequence') === sorted[broken]);
      push(ctx, {
        code: 'C12_SEQUENCE',
        constraint: 'C12',
        path: field(culprit, 'sequence')?.ptr ?? culprit?.ptr ?? root.ptr,
        message: `Intermediary VASP sequence numbers must run 0, 1, 2… without gaps or repeats; found ${sorted.join(', ')}.`,
      });
    }
  }
  // 101.2023 §6.7: payloadMetadata.payloadVersion is [1..1].
  if (edition === '2023') {
    const meta = object(root, 'payloadMetadata');
    const version = value(meta, 'payloadVersion');
    if (!version) {
      push(ctx, {
        code: 'PAYLOAD_VERSION_REQUIRED',
        constraint: null,
        path: meta ? pointer(meta.ptr, 'payloadVersion') : pointer(root.ptr, 'payloadMetadata'),
        message: 'An IVMS101.2023 payload must state payloadMetadata.payloadVersion ("101.2023").',
      });
    }
  }
  if (!has(root, 'originator') && !has(root, 'beneficiary')) {
    push(ctx, {
      code: 'NO_PARTIES',
      constraint: null,
      path: root.ptr || '/',
      message: 'The payload names neither an originator nor a beneficiary.',
      severity: 'warning',
    });
  }
}
