import type { Ivms101Model } from '../../src-main/ivms101/model';
import type { Edition } from '../../src-main/ivms101/schema';

// A complete, valid payload to mutate in tests (and in the benchmark). Test data, not product data.
export function validModel(): Ivms101Model {
  return {
    originator: {
      originatorPerson: [
        {
          naturalPerson: {
            name: {
              nameIdentifier: [
                { primaryIdentifier: 'Howard', secondaryIdentifier: 'Jane', naturalPersonNameIdentifierType: 'LEGL' },
              ],
            },
            geographicAddress: [
              {
                addressType: 'HOME',
                streetName: 'Greystone Street',
                buildingNumber: '28',
                postCode: '38017',
                townName: 'Collierville',
                country: 'US',
              },
            ],
            nationalIdentification: {
              nationalIdentifier: '112502920',
              nationalIdentifierType: 'SOCS',
              countryOfIssue: 'US',
            },
            customerIdentification: '2642',
            dateAndPlaceOfBirth: { dateOfBirth: '1992-10-04', placeOfBirth: 'West Islip' },
            countryOfResidence: 'US',
          },
        },
      ],
      accountNumber: ['14HmBSwec8XrcWge9Zi1ZngNia64u3Wd2v'],
    },
    beneficiary: {
      beneficiaryPerson: [
        {
          naturalPerson: {
            name: {
              nameIdentifier: [
                {
                  primaryIdentifier: 'Clark',
                  secondaryIdentifier: 'Lawrence',
                  naturalPersonNameIdentifierType: 'LEGL',
                },
              ],
            },
          },
        },
      ],
      accountNumber: ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'],
    },
    originatingVASP: {
      originatingVASP: {
        legalPerson: {
          name: { nameIdentifier: [{ legalPersonName: 'VASP A', legalPersonNameIdentifierType: 'LEGL' }] },
          nationalIdentification: { nationalIdentifier: '5493004YBI24IF4TIP36', nationalIdentifierType: 'LEIX' },
          countryOfRegistration: 'US',
        },
      },
    },
    beneficiaryVASP: {
      beneficiaryVASP: {
        legalPerson: {
          name: { nameIdentifier: [{ legalPersonName: 'VASP B', legalPersonNameIdentifierType: 'LEGL' }] },
          nationalIdentification: {
            nationalIdentifier: 'HRB 12345',
            nationalIdentifierType: 'RAID',
            registrationAuthority: 'RA000242',
          },
          countryOfRegistration: 'DE',
        },
      },
    },
  };
}

/** Element names that differ between editions, for building expected paths. */
export const names = (e: Edition) => ({
  originatorPersons: e === '2020' ? 'originatorPersons' : 'originatorPerson',
  beneficiaryPersons: e === '2020' ? 'beneficiaryPersons' : 'beneficiaryPerson',
  naturalNameType: e === '2020' ? 'nameIdentifierType' : 'naturalPersonNameIdentifierType',
});
