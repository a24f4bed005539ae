import fc from 'fast-check';
import { withLeiCheckDigits } from '../../src-main/ivms101/lei';
import type { Address, Ivms101Model, LegalPerson, NaturalPerson, Person } from '../../src-main/ivms101/model';

// ---- arbitraries for valid payloads -------------------------------------------------------

const word = fc.stringMatching(/^[A-Z][a-z]{1,14}$/);
const words = (max: number) => fc.array(word, { minLength: 1, maxLength: 3 }).map((w) => w.join(' ').slice(0, max));
const country = fc.constantFrom('DE', 'FR', 'US', 'GB', 'SG', 'JP', 'CH', 'TR', 'KR', 'HK', 'AE', 'AU', 'CA', 'XX');
const pastDate = fc
  .date({ min: new Date('1920-01-01'), max: new Date('2008-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const digits = (n: number) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`));

const address: fc.Arbitrary<Address> = fc.oneof(
  fc.record({
    addressType: fc.constantFrom('HOME', 'BIZZ', 'GEOG'),
    streetName: words(70),
    buildingNumber: digits(3),
    townName: words(35),
    postCode: digits(5),
    country,
  }),
  fc.record({
    addressType: fc.constantFrom('HOME', 'GEOG'),
    addressLine: fc.array(words(70), { minLength: 1, maxLength: 3 }),
    townName: words(35),
    country,
  }),
);

const naturalPerson: fc.Arbitrary<NaturalPerson> = fc.record({
  name: fc.record({
    nameIdentifier: fc
      .tuple(word, word)
      .map(([p, s]) => [{ primaryIdentifier: p, secondaryIdentifier: s, naturalPersonNameIdentifierType: 'LEGL' }]),
  }),
  geographicAddress: fc.array(address, { minLength: 1, maxLength: 2 }),
  nationalIdentification: fc.record({
    nationalIdentifier: digits(9),
    nationalIdentifierType: fc.constantFrom('CCPT', 'IDCD', 'DRLC', 'SOCS'),
    countryOfIssue: country,
  }),
  customerIdentification: digits(6),
  dateAndPlaceOfBirth: fc.record({ dateOfBirth: pastDate, placeOfBirth: words(70) }),
  countryOfResidence: country,
});

const lei = fc.stringMatching(/^[0-9A-Z]{18}$/).map(withLeiCheckDigits);
const legalPerson: fc.Arbitrary<LegalPerson> = fc.record({
  name: fc.record({
    nameIdentifier: words(100).map((n) => [{ legalPersonName: n, legalPersonNameIdentifierType: 'LEGL' }]),
  }),
  geographicAddress: fc.array(address, { minLength: 1, maxLength: 1 }),
  nationalIdentification: fc.oneof(
    lei.map((id) => ({ nationalIdentifier: id, nationalIdentifierType: 'LEIX' })),
    fc.record({
      nationalIdentifier: digits(8),
      nationalIdentifierType: fc.constantFrom('RAID', 'TXID'),
      registrationAuthority: fc.constantFrom('RA000242', 'RA777777', 'RA000585'),
    }),
  ),
  countryOfRegistration: country,
});

const wallet = fc.stringMatching(/^[13][a-km-zA-HJ-NP-Z1-9]{25,33}$/);
export const arbitraryModel: fc.Arbitrary<Ivms101Model> = fc
  .record({
    originators: fc.array(naturalPerson, { minLength: 1, maxLength: 2 }),
    beneficiary: naturalPerson,
    accounts: fc.tuple(wallet, wallet),
    ovasp: legalPerson,
    bvasp: legalPerson,
    hops: fc.array(legalPerson, { maxLength: 3 }),
    translit: fc.subarray(['cyrl', 'hani', 'kana'] as string[]),
  })
  .map(({ originators, beneficiary, accounts, ovasp, bvasp, hops, translit }) => {
    const m: Ivms101Model = {
      originator: {
        originatorPerson: originators.map((naturalPerson): Person => ({ naturalPerson })),
        accountNumber: [accounts[0]],
      },
      beneficiary: { beneficiaryPerson: [{ naturalPerson: beneficiary }], accountNumber: [accounts[1]] },
      originatingVASP: { originatingVASP: { legalPerson: ovasp } },
      beneficiaryVASP: { beneficiaryVASP: { legalPerson: bvasp } },
    };
    if (hops.length)
      m.transferPath = {
        transferPath: hops.map((legalPerson, sequence) => ({ sequence, intermediaryVASP: { legalPerson } })),
      };
    if (translit.length) m.payloadMetadata = { transliterationMethod: translit };
    return m;
  });
