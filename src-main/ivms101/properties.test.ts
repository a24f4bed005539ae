import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readIvms101 } from './engine';
import { writeEdition, type Ivms101Model } from './model';
import type { Edition } from './schema';
import { arbitraryModel as model } from '../../test/support/ivms101-arbitraries';
import { names } from '../../test/support/ivms101-payloads';

const TODAY = '2026-11-22';
const EDITIONS: Edition[] = ['2020', '2023'];

function validate(json: unknown) {
  const r = readIvms101(json, { today: TODAY });
  if (!r.ok) throw new Error(r.reason);
  return r.result;
}

// ---- properties ------------------------------------------------------------------------------

describe('IVMS101 properties', () => {
  it.each(EDITIONS)('generated valid payloads validate in %s', (e) => {
    fc.assert(
      fc.property(model, (m) => {
        const r = validate(writeEdition(m, e));
        expect(r.errors).toEqual([]);
        expect(r.edition).toBe(e);
      }),
      { numRuns: 150 },
    );
  });

  it('round-trips: read → write (either edition) → read gives the same model', () => {
    fc.assert(
      fc.property(
        model,
        fc.constantFrom<Edition>('2020', '2023'),
        fc.constantFrom<Edition>('2020', '2023'),
        (m, first, second) => {
          const once = validate(writeEdition(m, first)).model;
          expect(once).toEqual(m);
          const twice = validate(writeEdition(once!, second)).model;
          expect(twice).toEqual(m);
        },
      ),
      { numRuns: 150 },
    );
  });

  interface Mutation {
    constraint: string;
    apply(m: Ivms101Model, e: Edition): string; // returns the expected path
  }
  const O = (e: Edition, i = 0) => `/originator/${names(e).originatorPersons}/${i}/naturalPerson`;
  const MUTATIONS: Mutation[] = [
    {
      constraint: 'C1',
      apply: (m, e) => {
        const np = m.originator!.originatorPerson[0]!.naturalPerson!;
        for (const k of [
          'geographicAddress',
          'nationalIdentification',
          'customerIdentification',
          'dateAndPlaceOfBirth',
        ] as const)
          delete np[k];
        return O(e);
      },
    },
    {
      constraint: 'C2',
      apply: (m, e) => {
        m.originator!.originatorPerson[0]!.naturalPerson!.dateAndPlaceOfBirth!.dateOfBirth = '2030-01-01';
        return `${O(e)}/dateAndPlaceOfBirth/dateOfBirth`;
      },
    },
    {
      constraint: 'C3',
      apply: (m) => {
        m.beneficiary!.beneficiaryPerson[0]!.naturalPerson!.countryOfResidence = 'QQ';
        return `/beneficiary/${names('2020').beneficiaryPersons}/0/naturalPerson/countryOfResidence`;
      },
    },
    {
      constraint: 'C5',
      apply: (m) => {
        m.beneficiaryVASP!.beneficiaryVASP!.legalPerson!.name.nameIdentifier[0]!.legalPersonNameIdentifierType = 'TRAD';
        return '/beneficiaryVASP/beneficiaryVASP/legalPerson/name/nameIdentifier';
      },
    },
    {
      constraint: 'C6',
      apply: (m, e) => {
        m.originator!.originatorPerson[0]!.naturalPerson!.name.nameIdentifier[0]!.naturalPersonNameIdentifierType =
          'ALIA';
        return `${O(e)}/name/nameIdentifier`;
      },
    },
    {
      constraint: 'C8',
      apply: (m, e) => {
        const a = m.originator!.originatorPerson[0]!.naturalPerson!.geographicAddress![0]!;
        delete a.addressLine;
        delete a.buildingNumber;
        return `${O(e)}/geographicAddress/0`;
      },
    },
    {
      constraint: 'C11',
      apply: (m) => {
        const lp = m.originatingVASP!.originatingVASP!.legalPerson!;
        lp.nationalIdentification = { nationalIdentifier: 'NOT-AN-LEI', nationalIdentifierType: 'LEIX' };
        return '/originatingVASP/originatingVASP/legalPerson/nationalIdentification/nationalIdentifier';
      },
    },
    {
      constraint: 'C12',
      apply: (m) => {
        const hop = { sequence: 5, intermediaryVASP: structuredClone(m.beneficiaryVASP!.beneficiaryVASP!) };
        const path = m.transferPath?.transferPath ?? [];
        m.transferPath = { transferPath: [...path, hop] };
        return `/transferPath/transferPath/${path.length}/sequence`;
      },
    },
  ];

  it.each(EDITIONS)('a single rule-breaking mutation is caught with its constraint id and path (%s)', (e) => {
    fc.assert(
      fc.property(model, fc.constantFrom(...MUTATIONS), (m, mutation) => {
        const broken = structuredClone(m);
        const expected = mutation.apply(broken, e).replace('beneficiaryPersons', names(e).beneficiaryPersons);
        const r = validate(writeEdition(broken, e));
        const hits = r.errors.filter((p) => p.constraint === mutation.constraint);
        expect(hits.map((p) => p.path)).toEqual([expected]);
        // Nothing else is reported: the mutation broke exactly one rule.
        expect(r.errors.filter((p) => p.constraint !== mutation.constraint)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
