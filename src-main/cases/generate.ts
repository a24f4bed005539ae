import type { CaseRecord, CaseStatus } from '../../src-shared/case';
import { withLeiCheckDigits } from '../ivms101/lei';
import { Random } from './random';
import { ASSETS, OUR_VASP, REGIONS, VASPS, type AssetSpec, type Region, type Vasp } from './world';

// Realistic synthetic cases in the shape the backend contract carries. Deterministic for a seed,
// so tests, benchmarks and the demo can regenerate exactly the same traffic.

export interface GenerateOptions {
  seed?: number;
  /** Transfer times fall in [start, end). Defaults: the 60 days before 2026-11-20. */
  start?: Date;
  end?: Date;
  /** Share of cases with incomplete or invalid IVMS101 (default 0.2). */
  defectRate?: number;
  /** Share of withdrawals to self-hosted wallets (default 0.12). */
  unhostedRate?: number;
}

type Json = Record<string, unknown>;

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const HEX = '0123456789abcdef';

function wallet(r: Random, kind: AssetSpec['wallet']): string {
  switch (kind) {
    case 'btc':
      return 'bc1q' + r.chars(BECH32, 38);
    case 'evm':
      return '0x' + r.chars(HEX, 40);
    case 'tron':
      return 'T' + r.chars(B58, 33);
    case 'sol':
      return r.chars(B58, 44);
    case 'xrp':
      return 'r' + r.chars(B58, 33);
  }
}

/** Fiat value in cents: mostly small, a long tail, and a cluster at the common 1,000 / 3,000 triggers. */
function fiatCents(r: Random): bigint {
  if (r.chance(0.15)) {
    const near = r.pick([1000_00, 1500_00, 3000_00, 8000_00, 15000_00]);
    return BigInt(near + r.int(-300, 300));
  }
  const exp = 1 + r.next() * 4.7; // 10 .. ~500,000 EUR
  return BigInt(Math.round(10 ** exp * 100));
}

/** Integer minor units → decimal string; crypto amounts drop trailing zeros, fiat keeps its cents. */
function formatUnits(units: bigint, decimals: number, trim = true): string {
  const s = units.toString().padStart(decimals + 1, '0');
  const whole = s.slice(0, s.length - decimals);
  const raw = s.slice(s.length - decimals);
  const frac = trim ? raw.replace(/0+$/, '') : raw;
  return frac ? `${whole}.${frac}` : whole;
}

function naturalPerson(r: Random, region: Region, full: boolean, customerId?: string): Json {
  const gi = r.int(0, region.given.length - 1);
  const fi = r.int(0, region.family.length - 1);
  const name: Json = {
    nameIdentifier: [
      { primaryIdentifier: region.family[fi], secondaryIdentifier: region.given[gi], nameIdentifierType: 'LEGL' },
    ],
  };
  if (region.localFamily && region.localGiven) {
    name.localNameIdentifier = [
      {
        primaryIdentifier: region.localFamily[fi],
        secondaryIdentifier: region.localGiven[gi],
        nameIdentifierType: 'LEGL',
      },
    ];
  }
  const person: Json = { name };
  if (!full) return person;
  const city = r.pick(region.cities);
  person.geographicAddress = [
    {
      addressType: 'HOME',
      streetName: r.pick(region.streets),
      buildingNumber: String(r.int(1, 240)),
      postCode: city.postCode,
      townName: city.town,
      country: region.country,
    },
  ];
  const idType = r.pick(region.idTypes);
  person.nationalIdentification = {
    nationalIdentifier:
      idType === 'SOCS'
        ? `${r.int(100, 899)}${r.int(10, 99)}${r.int(1000, 9999)}`
        : r.chars('ABCDEFGHJKLMNPRSTUVWXYZ', 2) + String(r.int(1000000, 9999999)),
    nationalIdentifierType: idType,
    countryOfIssue: region.country,
  };
  if (customerId) person.customerIdentification = customerId;
  const year = r.int(1950, 2004);
  person.dateAndPlaceOfBirth = {
    dateOfBirth: `${year}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`,
    placeOfBirth: r.pick(region.cities).town,
  };
  person.countryOfResidence = region.country;
  return { naturalPerson: person };
}

function wrapNatural(p: Json): Json {
  return 'naturalPerson' in p ? p : { naturalPerson: p };
}

function legalVasp(name: string, country: string, leiBase: string): Json {
  return {
    legalPerson: {
      name: { nameIdentifier: [{ legalPersonName: name, legalPersonNameIdentifierType: 'LEGL' }] },
      nationalIdentification: { nationalIdentifier: withLeiCheckDigits(leiBase), nationalIdentifierType: 'LEIX' },
      countryOfRegistration: country,
    },
  };
}

const DEFECTS = [
  'originator_bare',
  'beneficiary_nameless',
  'no_birth_date',
  'bad_country',
  'future_birth',
  'no_address_line',
] as const;

/** Breaks the payload the way real counterparties do: missing data first, invalid data second. */
function applyDefect(r: Random, ivms: Json): void {
  const defect = r.pick(DEFECTS);
  const orig = ((ivms.originator as Json).originatorPersons as Json[])[0]?.naturalPerson as Json | undefined;
  const ben = ((ivms.beneficiary as Json).beneficiaryPersons as Json[])[0]?.naturalPerson as Json | undefined;
  if (!orig || !ben) return;
  switch (defect) {
    case 'originator_bare':
      delete orig.geographicAddress;
      delete orig.nationalIdentification;
      delete orig.dateAndPlaceOfBirth;
      delete orig.customerIdentification;
      break;
    case 'beneficiary_nameless':
      (ben.name as Json).nameIdentifier = [];
      break;
    case 'no_birth_date':
      delete orig.dateAndPlaceOfBirth;
      break;
    case 'bad_country': {
      const addr = (orig.geographicAddress as Json[] | undefined)?.[0];
      if (addr) addr.country = 'XK1';
      break;
    }
    case 'future_birth':
      if (orig.dateAndPlaceOfBirth) (orig.dateAndPlaceOfBirth as Json).dateOfBirth = '2031-02-30';
      break;
    case 'no_address_line': {
      const addr = (orig.geographicAddress as Json[] | undefined)?.[0];
      if (addr) {
        delete addr.streetName;
        delete addr.buildingNumber;
      }
      break;
    }
  }
}

const WITHDRAWAL_STATUSES: readonly CaseStatus[] = [
  'pending_review',
  'pending_review',
  'pending_review',
  'pending_review',
  'awaiting_counterparty',
  'awaiting_email_reply',
  'accepted',
  'rejected',
  'completed',
  'escalated',
];
const DEPOSIT_STATUSES: readonly CaseStatus[] = [
  'pending_review',
  'pending_review',
  'pending_review',
  'needs_information',
  'accepted',
  'rejected',
  'completed',
];

/** Fixed per VASP (no random draw, so the rest of a seeded run is unchanged): most are approved. */
function dueDiligenceOf(v: Vasp): 'approved' | 'pending_review' | 'expired' {
  const i = VASPS.indexOf(v);
  return i % 7 === 5 ? 'expired' : i % 5 === 4 ? 'pending_review' : 'approved';
}

export function generateCase(r: Random, index: number, opts: Required<GenerateOptions>): CaseRecord {
  const direction = r.chance(0.6) ? 'withdrawal' : 'deposit';
  const asset = r.pick(ASSETS);
  const unhosted = r.chance(opts.unhostedRate);
  const vasp: Vasp | null = unhosted ? null : r.pick(VASPS);
  const ourRegion = r.pick(REGIONS.filter((x) => ['DE', 'FR', 'NL', 'ES'].includes(x.country)));
  const theirRegion = vasp ? (REGIONS.find((x) => x.country === vasp.country) ?? r.pick(REGIONS)) : r.pick(REGIONS);
  const cents = fiatCents(r);
  const units = (cents * 10n ** BigInt(asset.decimals)) / BigInt(asset.eurCents);
  const span = opts.end.getTime() - opts.start.getTime();
  const transferTime = new Date(opts.start.getTime() + Math.floor(r.next() * span));
  const created = new Date(transferTime.getTime() + r.int(0, 120) * 1000);
  // Letters and digits only: a hyphen is outside the 2020 edition's literal pattern and put the same
  // TEXT_2020_CHARSET warning on every generated case (issue 18).
  const customerId = 'CUST' + String(r.int(100000, 999999));
  const ourCustomer = naturalPerson(r, ourRegion, true, customerId);
  // FATF asks the beneficiary side for name and account; counterparties often send more.
  const theirCustomer = naturalPerson(r, theirRegion, direction === 'deposit' || r.chance(0.3));
  const ourWallet = wallet(r, asset.wallet);
  const theirWallet = wallet(r, asset.wallet);
  const ours = legalVasp(OUR_VASP.name, OUR_VASP.country, OUR_VASP.leiBase);
  const theirs = vasp ? legalVasp(vasp.name, vasp.country, vasp.leiBase) : undefined;
  const [originator, beneficiary] =
    direction === 'withdrawal' ? [ourCustomer, theirCustomer] : [theirCustomer, ourCustomer];
  const [origWallet, benWallet] = direction === 'withdrawal' ? [ourWallet, theirWallet] : [theirWallet, ourWallet];
  const ivms101: Json = {
    originator: { originatorPersons: [wrapNatural(originator)], accountNumber: [origWallet] },
    beneficiary: { beneficiaryPersons: [wrapNatural(beneficiary)], accountNumber: [benWallet] },
    originatingVASP: { originatingVASP: direction === 'withdrawal' ? ours : (theirs ?? ours) },
  };
  if (direction === 'withdrawal' && theirs) ivms101.beneficiaryVASP = { beneficiaryVASP: theirs };
  if (direction === 'deposit') ivms101.beneficiaryVASP = { beneficiaryVASP: ours };
  if (r.chance(opts.defectRate)) applyDefect(r, ivms101);
  const status = r.pick(direction === 'withdrawal' ? WITHDRAWAL_STATUSES : DEPOSIT_STATUSES);
  const risk = r.chance(0.08) ? r.int(70, 99) : r.int(0, 45);
  const alerts =
    risk >= 70
      ? [r.pick(['mixer exposure', 'darknet market exposure', 'high-risk jurisdiction', 'sanctioned entity exposure'])]
      : [];
  return {
    id: `case-${opts.seed}-${String(index).padStart(7, '0')}`,
    direction,
    status,
    asset: asset.asset,
    network: asset.network,
    amount: formatUnits(units, asset.decimals),
    fiatValue: { amount: formatUnits(cents, 2, false), currency: 'EUR' },
    transferTime: transferTime.toISOString(),
    originatorWallet: origWallet,
    beneficiaryWallet: benWallet,
    walletType: unhosted ? 'unhosted' : 'hosted',
    counterparty: vasp
      ? {
          vaspId: vasp.vaspId,
          name: vasp.name,
          jurisdiction: vasp.country,
          lei: withLeiCheckDigits(vasp.leiBase),
          protocol: vasp.protocol,
          email: vasp.email,
          dueDiligence: dueDiligenceOf(vasp),
        }
      : null,
    ivms101,
    aml: { riskScore: risk, alerts, provider: 'demo-chain-analytics' },
    txHash: status === 'completed' ? (asset.wallet === 'evm' ? '0x' : '') + r.chars(HEX, 64) : null,
    version: 1,
    createdAt: created.toISOString(),
    updatedAt: created.toISOString(),
  };
}

export function* generateCases(count: number, options: GenerateOptions = {}): Generator<CaseRecord> {
  const opts: Required<GenerateOptions> = {
    seed: options.seed ?? 1,
    end: options.end ?? new Date('2026-11-20T00:00:00Z'),
    start: options.start ?? new Date(new Date('2026-11-20T00:00:00Z').getTime() - 60 * 86_400_000),
    defectRate: options.defectRate ?? 0.2,
    unhostedRate: options.unhostedRate ?? 0.12,
  };
  const r = new Random(opts.seed);
  for (let i = 1; i <= count; i++) yield generateCase(r, i, opts);
}
