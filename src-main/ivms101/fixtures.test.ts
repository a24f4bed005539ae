import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedPath } from '../../test/support/shared';
import { readIvms101Text } from './engine';

// Every public fixture, with the outcome the spec gives it and why. Some are invalid on purpose;
// some pass only lax validators. Decided by the spec, not by where the file came from.
type Expect =
  | { outcome: 'rejected'; reason: RegExp; why: string }
  | {
      outcome: 'valid' | 'invalid';
      kind: string;
      edition: '2020' | '2023';
      form?: string;
      errors?: string[];
      warnings?: string[];
      why: string;
    };

const NOT_IVMS = /not an IVMS101 payload or component/;
const ENVOY_CUSTOMER: Expect = {
  outcome: 'rejected',
  reason: NOT_IVMS,
  why: "Envoy's own flat customer record (first_name, addr_line_1…), not IVMS101",
};

const EXPECTED: Record<string, Expect> = {
  'envoy/invalid_person.json': {
    outcome: 'invalid',
    kind: 'person',
    edition: '2020',
    errors: ['C3_COUNTRY', 'C6_NO_LEGAL_NAME'],
    why: 'invalid on purpose: country "USA" is alpha-3 (C3) and the only name is MAID, no LEGL (C6)',
  },
  'envoy/legal_person.json': {
    outcome: 'valid',
    kind: 'legalPerson',
    edition: '2020',
    why: 'a complete LegalPerson; phonetic names may use any characters (LocalMax100Text)',
  },
  'envoy/natural_person.json': {
    outcome: 'valid',
    kind: 'naturalPerson',
    edition: '2020',
    why: 'a complete NaturalPerson',
  },
  'envoy/person_de_daniela_gersten.json': ENVOY_CUSTOMER,
  'envoy/person_de_jonas_kalb.json': ENVOY_CUSTOMER,
  'envoy/person_de_kevin_fuchs.json': ENVOY_CUSTOMER,
  'envoy/person_de_marina_eberhardt.json': ENVOY_CUSTOMER,
  'envoy/person_us_alice_murray.json': ENVOY_CUSTOMER,
  'envoy/person_us_fearne_duncan.json': ENVOY_CUSTOMER,
  'envoy/person_us_mark_brown.json': ENVOY_CUSTOMER,
  'envoy/person_us_vicky_scott.json': ENVOY_CUSTOMER,
  'envoy/transaction.json': { outcome: 'rejected', reason: NOT_IVMS, why: 'an Envoy transaction id, no identity data' },
  'gtr/beneficiary-example.json': {
    outcome: 'invalid',
    kind: 'payload',
    edition: '2020',
    errors: ['C11_LEI_FORMAT'],
    warnings: ['COLLAPSED_ENTITY'],
    why: 'the beneficiary VASP\'s "LEI" has 22 characters (C11); GTR also puts the Person directly in beneficiaryVASP instead of beneficiaryVASP.beneficiaryVASP',
  },
  'gtr/complete-example.json': {
    outcome: 'invalid',
    kind: 'payload',
    edition: '2020',
    errors: ['TOO_LONG', 'C11_LEI_FORMAT'],
    why: 'a 17-character buildingNumber (Max16Text) and identifiers typed LEIX that are not LEIs (C11)',
  },
  'gtr/json-schema.json': { outcome: 'rejected', reason: NOT_IVMS, why: "GTR's JSON Schema document, not a payload" },
  'gtr/malformed-full-example.json': {
    outcome: 'invalid',
    kind: 'payload',
    edition: '2020',
    errors: ['FORMAT_RA', 'C11_LEI_FORMAT'],
    why: 'malformed on purpose: registrationAuthority "TEST CODE" and a non-LEI under LEIX',
  },
  'gtr/originator-example.json': {
    outcome: 'invalid',
    kind: 'payload',
    edition: '2020',
    errors: ['FORMAT_RA'],
    why: 'registrationAuthority "RAA11TY5" is not RA + six digits',
  },
  'trisa/address.json': { outcome: 'valid', kind: 'address', edition: '2020', why: 'a complete Address' },
  'trisa/identity_payload.json': {
    outcome: 'valid',
    kind: 'payload',
    edition: '2020',
    why: "TRISA's reference payload; commas in placeOfBirth and names are allowed by the 101.2023 pattern (warned for 2020)",
  },
  'trisa/identity_payload.pb.json': {
    outcome: 'invalid',
    kind: 'payload',
    edition: '2020',
    form: 'protobuf-json-snake',
    errors: ['C3_COUNTRY', 'C9_COUNTRY_OF_ISSUE', 'C9_RA_WITH_LEI'],
    why: 'passes only lax validators: country "United Kingdom" (C3), and both VASPs give countryOfIssue and a registration authority with an LEI (C9)',
  },
  'trisa/identity_payload_alt.json': {
    outcome: 'invalid',
    kind: 'payload',
    edition: '2020',
    form: 'protobuf-json',
    errors: ['NONSTANDARD_ELEMENT'],
    why: 'passes only lax validators: lastName, firstName, street, postalCode, dob, ra… are not IVMS101 element names (read, and reported)',
  },
  'trisa/legal_person.json': {
    outcome: 'valid',
    kind: 'legalPerson',
    edition: '2020',
    why: 'a complete LegalPerson with customerNumber (the 2020 element name)',
  },
  'trisa/national_identification.json': {
    outcome: 'valid',
    kind: 'nationalIdentification',
    edition: '2020',
    why: 'a NationalIdentification; RA777777 is on the GLEIF list',
  },
  'trisa/natural_person.json': {
    outcome: 'valid',
    kind: 'naturalPerson',
    edition: '2020',
    why: 'a complete NaturalPerson',
  },
  'trisa/person_both_persons.json': {
    outcome: 'invalid',
    kind: 'person',
    edition: '2020',
    errors: ['PERSON_ONE_OF'],
    why: 'invalid on purpose: a Person is a natural person or a legal person, never both',
  },
  'trisa/person_legal_person.json': {
    outcome: 'valid',
    kind: 'person',
    edition: '2020',
    warnings: ['C11_LEI_CHECKSUM'],
    why: 'valid by LEIText; its LEI check digits do not verify (warned)',
  },
  'trisa/person_natural_person.json': { outcome: 'valid', kind: 'person', edition: '2020', why: 'a complete Person' },
  'trp/acknowledged.json': {
    outcome: 'rejected',
    reason: NOT_IVMS,
    why: 'a TRP acknowledgement carries no identity data',
  },
  'trp/approved.json': { outcome: 'rejected', reason: NOT_IVMS, why: 'a TRP approval carries no identity data' },
  'trp/canceled.json': { outcome: 'rejected', reason: NOT_IVMS, why: 'a TRP cancellation carries no identity data' },
  'trp/confirmation.json': { outcome: 'rejected', reason: NOT_IVMS, why: 'a TRP confirmation carries a txid only' },
  'trp/extensions.json': { outcome: 'rejected', reason: NOT_IVMS, why: 'TRP extension negotiation' },
  'trp/identity.json': {
    outcome: 'rejected',
    reason: NOT_IVMS,
    why: "a VASP's TRP identity (name, LEI, certificate), not IVMS101",
  },
  'trp/inquiry.json': {
    outcome: 'valid',
    kind: 'payload',
    edition: '2020',
    why: 'a TRP inquiry: the IVMS101 payload inside it is read and valid',
  },
  'trp/rejected.json': { outcome: 'rejected', reason: NOT_IVMS, why: 'a TRP rejection carries no identity data' },
  'trp/version.json': { outcome: 'rejected', reason: NOT_IVMS, why: 'TRP version information' },
};

const base = sharedPath('fixtures', 'ivms101');
const files = readdirSync(base)
  .flatMap((d) => readdirSync(`${base}/${d}`).map((f) => `${d}/${f}`))
  .sort();

describe('IVMS101 fixtures', () => {
  it('has an expectation for every fixture file', () => {
    expect(files.filter((f) => !EXPECTED[f])).toEqual([]);
  });

  it.each(files)('%s', (file) => {
    const exp = EXPECTED[file];
    if (!exp) throw new Error(`no expectation for ${file}`);
    const r = readIvms101Text(readFileSync(`${base}/${file}`, 'utf8'), { today: '2026-11-22' });
    if (exp.outcome === 'rejected') {
      expect(r.ok, exp.why).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(exp.reason);
      return;
    }
    expect(r.ok, exp.why).toBe(true);
    if (!r.ok) return;
    const x = r.result;
    expect({ valid: x.valid, kind: x.kind, edition: x.edition }, exp.why).toEqual({
      valid: exp.outcome === 'valid',
      kind: exp.kind,
      edition: exp.edition,
    });
    if (exp.form) expect(x.form).toBe(exp.form);
    const codes = new Set(x.errors.map((e) => e.code));
    for (const c of exp.errors ?? []) expect(codes, `${file} should report ${c}`).toContain(c);
    if (exp.outcome === 'valid') expect(x.errors).toEqual([]);
    const warns = new Set(x.warnings.map((w) => w.code));
    for (const c of exp.warnings ?? []) expect(warns).toContain(c);
    // Every path points at something that exists in the input, or at where a missing element belongs.
    for (const p of [...x.errors, ...x.warnings]) expect(p.path === '' || p.path.startsWith('/')).toBe(true);
  });
});
