import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../src-shared/case';
import type { ScreeningCheck } from '../../src-shared/checks';
import { openTestDb } from '../../test/support/db';
import { admitReference } from '../../test/support/intake-reference';
import { sharedPath } from '../../test/support/shared';
import { tempDir } from '../../test/support/temp';
import { auditBatch } from '../audit/chain';
import type { CheckContext } from '../checks/run';
import { defaultRulePack } from '../rules/pack';
import { dbRates, saveRates } from '../rules/fx';
import { ScreeningIndex } from '../screening/search';
import { activeLists, entryBy, entryDigest, importList, recordDisposition } from '../screening/store';
import type { WritableDB } from '../store/db';
import { enqueue } from '../store/outbox';
import { appendIvms101Version } from '../store/repairs';
import { generateCases } from './generate';
import { admit, type Admission, type RawCase, type ReadCase } from './intake';
import { admitPooled, InOrderReads, IntakePool, type PoolRaw } from './intake-pool';

// Issue 21 point 1: `admit` split into a pure stage (parse, contract, IVMS101 reading, evaluation, the
// IVMS101 check, the screening search, digests) and a database stage (stored-case rules, repair,
// dispositions, writes, audit). The split must not change a byte: the same deliveries go through the
// intake as it was (test/support/intake-reference.ts, verbatim from before the split) and through each
// path of the split, each into its own real SQLCipher file, and every table and every Admission must
// be identical — cases, checks, citations, quarantine, the audit chain with its hashes, the queue counts.

const AT = '2026-11-30T06:00:00.000Z';
const TODAY = '2026-11-30';

/** A way to admit a batch of deliveries in one transaction, as `cases import` and sync do. */
type Path = (db: WritableDB, items: RawCase[], checks: CheckContext) => Promise<Admission[]>;

const batch =
  (one: typeof admit): Path =>
  (db, items, checks) =>
    Promise.resolve(
      db.transaction(() =>
        auditBatch(db, () =>
          items.map((raw, i) =>
            one(db, raw, { name: 'import:diff.jsonl', location: `line ${i + 1}`, actor: 'Ana' }, { checks, at: AT }),
          ),
        ),
      )(),
    );

/** As the feed delivers it: a changes-feed line holding the case (the worker parses it as the client did). */
const poolRaw = (raw: RawCase): PoolRaw =>
  'value' in raw ? { text: `{"cursor":1,"case":${raw.text}}`, feed: true } : raw;

const pools: IntakePool[] = [];
/** The pure stage on two worker threads, in chunks of 7 taken back in order; the database stage here. */
const pooled: Path = async (db, items, checks) => {
  const pool = IntakePool.start(checks, { workers: 2 });
  if (!pool) throw new Error('no pool for this context');
  pools.push(pool);
  const reads: ReadCase[] = [];
  const queue = new InOrderReads<number>(pool, (_, out) => reads.push(...out), 7);
  for (const [i, raw] of items.entries()) await queue.push(i, poolRaw(raw));
  await queue.flush();
  return db.transaction(() =>
    auditBatch(db, () => {
      const current = pool.serves(checks);
      return items.map((raw, i) =>
        admitPooled(
          db,
          raw,
          reads[i]!,
          { name: 'import:diff.jsonl', location: `line ${i + 1}`, actor: 'Ana' },
          { checks, at: AT },
          current,
        ),
      );
    }),
  )();
};

const PATHS: Record<string, Path> = {
  reference: batch(admitReference),
  split: batch(admit),
  'worker threads': pooled,
};

interface Store {
  db: WritableDB;
  checks: CheckContext;
  admissions: Admission[];
}

let t: ReturnType<typeof tempDir>;
const stores = new Map<string, Store>();

// ---- the deliveries ---------------------------------------------------------------------------------

const line = (v: unknown): RawCase => ({ text: JSON.stringify(v) });
const fed = (v: unknown): RawCase => ({ text: JSON.stringify(v), value: v });
const generated = (n: number, seed: number) => [...generateCases(n, { seed })];

function fixtureFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? fixtureFiles(p) : f.endsWith('.json') ? [p] : [];
  });
}

/** A generated case whose beneficiary is a listed name, or who pays a listed wallet. */
function listedCases(): CaseRecord[] {
  const [a, b, c] = generated(3, 77);
  const named = (base: CaseRecord, primary: string, secondary: string, id: string): CaseRecord => {
    const ivms = structuredClone(base.ivms101) as {
      beneficiary: { beneficiaryPersons: { naturalPerson?: Record<string, unknown> }[] };
    };
    ivms.beneficiary.beneficiaryPersons[0] = {
      naturalPerson: {
        name: {
          nameIdentifier: [{ primaryIdentifier: primary, secondaryIdentifier: secondary, nameIdentifierType: 'LEGL' }],
        },
      },
    };
    return { ...base, id, ivms101: ivms, status: 'pending_review', version: 1 };
  };
  return [
    named(a!, 'LOGAN MOREY', 'Elvis Angus', 'listed-false-positive'),
    named(b!, 'MORENO', 'Daniel', 'listed-true-match'),
    named(c!, 'LIFSHITS', 'Artem Mikhaylovich', 'listed-open'),
  ];
}

const HOSTILE: RawCase[] = [
  { text: 'not json at all' },
  { text: '{"id": "x", ' },
  { text: '['.repeat(5000) + ']'.repeat(5000) },
  { text: '{}' },
  { text: 'null' },
  { text: '"a string"' },
  { text: 'x'.repeat(300), error: 'line 9 is longer than the limit' },
  line({ ...generated(1, 3)[0], unknownField: true }),
  line({ ...generated(1, 4)[0], version: '2' }),
  line({ ...generated(1, 5)[0], ivms101: null }),
  line({ ...generated(1, 6)[0], ivms101: { originator: 'not a person' } }),
  line({ ...generated(1, 7)[0], id: '' }),
  fed({ ...generated(1, 8)[0], amount: -1 }),
  // As a feed parses it: `__proto__` an own key of the parsed value, not its prototype.
  fed(JSON.parse(JSON.stringify(generated(1, 9)[0]).replace(/^\{/, '{"__proto__":{"polluted":true},'))),
];

/** The steps, applied in order to every store; a step's deliveries go through the store's path. */
function steps(): { name: string; deliver?: (s: Store) => RawCase[]; act?: (s: Store) => void }[] {
  const first = generated(240, 61);
  const fixtures = fixtureFiles(sharedPath('fixtures', 'ivms101'));
  const listed = listedCases();
  const hit = (s: Store, id: string) => {
    const r = s.db
      .prepare("SELECT result FROM case_checks_full WHERE case_id = ? AND check_name = 'screening'")
      .get(id) as { result: string };
    return (JSON.parse(r.result) as ScreeningCheck).hits[0]!;
  };
  const dispose = (s: Store, id: string, disposition: 'false_positive' | 'true_match') => {
    const h = hit(s, id);
    const entry = entryBy(s.db, h.list, h.entryId);
    recordDisposition(s.db, {
      partyDigest: h.party.digest,
      source: h.list,
      entryId: h.entryId,
      entryDigest: entry ? entryDigest(entry) : 'unknown',
      listVersion: h.listVersion,
      entry,
      caseId: id,
      disposition,
      state: 'in_force',
      reasonCode: disposition === 'false_positive' ? 'different_person' : null,
      note: 'differential test',
      analyst: 'Ana',
      decidedAt: AT,
    });
  };
  const repaired = first[5]!;
  const bump = (c: CaseRecord, o: Partial<CaseRecord> = {}): CaseRecord => ({
    ...c,
    version: c.version + 1,
    updatedAt: '2026-11-30T05:00:00.000Z',
    ...o,
  });
  return [
    // Generated cases as import lines and as parsed feed items.
    { name: 'generated (lines)', deliver: () => first.slice(0, 200).map(line) },
    { name: 'generated (feed)', deliver: () => first.slice(200).map(fed) },
    // Every IVMS101 fixture: as a case's payload, and as a line that is no case at all.
    {
      name: 'fixtures',
      deliver: () =>
        fixtures.flatMap((f, i) => {
          const text = readFileSync(f, 'utf8');
          const base = generated(1, 1000 + i)[0]!;
          let payload: unknown = null;
          try {
            payload = JSON.parse(text);
          } catch {
            // a fixture that is not JSON is still delivered as a line
          }
          return [line({ ...base, id: `fixture-${i}`, ivms101: payload }), { text }];
        }),
    },
    { name: 'hostile', deliver: () => HOSTILE },
    { name: 'listed', deliver: () => listed.map(line) },
    {
      name: 'dispositions and a pending repair',
      act: (s) => {
        s.db.transaction(() => {
          dispose(s, 'listed-false-positive', 'false_positive');
          dispose(s, 'listed-true-match', 'true_match');
          const ivms = structuredClone(repaired.ivms101) as { beneficiary: { accountNumber?: string[] } };
          ivms.beneficiary.accountNumber = ['bc1qrepairedaddress0000000000000000000000'];
          appendIvms101Version(s.db, {
            caseId: repaired.id,
            n: 1,
            kind: 'repair',
            repairId: 'repair-1',
            ivms101: ivms,
            changes: [],
            note: 'the beneficiary account',
            analyst: 'Ana',
            caseVersion: repaired.version,
            at: AT,
          });
          enqueue(s.db, {
            kind: 'ivms101_repair',
            caseId: repaired.id,
            key: 'repair-1',
            baseVersion: repaired.version,
            payload: { repairId: 'repair-1' },
            at: AT,
            actor: 'Ana',
          });
        })();
      },
    },
    {
      name: 'updates, replays, older versions, conflicts, moves backwards',
      deliver: () => [
        ...listed.map((c) => line(bump(c))),
        line(bump(repaired)),
        ...first.slice(10, 40).map((c) => line(bump(c))),
        ...first.slice(40, 70).map(line),
        ...first.slice(70, 80).map((c) => fed(c)),
        ...first
          .slice(80, 90)
          .filter((c) => c.version > 1)
          .map((c) => line({ ...c, version: c.version - 1 })),
        ...first.slice(90, 100).map((c) => line({ ...c, amount: '999.5' })),
        line(bump(first[100]!, { status: 'completed' })),
        line(bump(bump(first[100]!), { status: 'pending_review' })),
        line(bump(first[101]!, { status: 'escalated' })),
        line(bump(bump(first[101]!), { status: 'pending_review' })),
        ...HOSTILE,
      ],
    },
  ];
}

// ---- the stores -------------------------------------------------------------------------------------

function newStore(name: string): Store {
  mkdirSync(join(t.dir, name));
  const { db } = openTestDb(join(t.dir, name));
  importList(db, 'ofac', sharedPath('fixtures', 'sanctions', 'ofac-small'), { now: AT });
  saveRates(
    db,
    [
      { base: 'EUR', quote: 'USD', rate: '1.08', asOf: '2026-11-29T00:00:00Z', source: 'test' },
      { base: 'EUR', quote: 'GBP', rate: '0.86', asOf: '2026-11-29T00:00:00Z', source: 'test' },
      { base: 'USD', quote: 'SGD', rate: '1.35', asOf: '2026-11-29T00:00:00Z', source: 'test' },
    ],
    AT,
  );
  const checks: CheckContext = {
    homeJurisdiction: 'DE',
    today: TODAY,
    pack: defaultRulePack(),
    rates: dbRates(db),
    maxRateAgeHours: 72,
    screening: new ScreeningIndex(activeLists(db)),
  };
  return { db, checks, admissions: [] };
}

/** Every row of every table, in storage order: what a path wrote, byte for byte. */
function dump(db: WritableDB): Record<string, unknown[]> {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as { name: string }[];
  return Object.fromEntries(
    tables.map(({ name }) => {
      const rows = db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[];
      return [name, rows.map((r) => JSON.stringify(r))];
    }),
  );
}

beforeAll(async () => {
  t = tempDir();
  for (const name of Object.keys(PATHS)) stores.set(name, newStore(name));
  for (const step of steps())
    for (const [name, s] of stores) {
      if (step.act) step.act(s);
      if (step.deliver) s.admissions.push(...(await PATHS[name]!(s.db, step.deliver(s), s.checks)));
    }
}, 120_000);

afterAll(async () => {
  for (const p of pools) await p.close();
  for (const s of stores.values()) s.db.close();
  t?.cleanup();
});

describe('admit, split into a pure stage and a database stage', () => {
  it('covers what it must: inserts, updates, replays, refusals of every kind, repairs and dispositions', () => {
    const ref = stores.get('reference')!;
    const outcomes = ref.admissions.reduce<Record<string, number>>(
      (n, a) => ({ ...n, [a.outcome]: (n[a.outcome] ?? 0) + 1 }),
      {},
    );
    expect(outcomes.inserted).toBeGreaterThan(240);
    expect(outcomes.updated).toBeGreaterThan(30);
    expect(outcomes.unchanged).toBeGreaterThan(30);
    const reasons = ref.admissions.flatMap((a) => (a.outcome === 'quarantined' ? [a.reason] : []));
    expect(reasons.some((r) => r.startsWith('conflict: version'))).toBe(true);
    expect(reasons.some((r) => r.includes('moves backwards'))).toBe(true);
    expect(reasons.some((r) => r.startsWith('ivms101: '))).toBe(true);
    expect(reasons.some((r) => r.includes('longer than the limit'))).toBe(true);
    // The dispositions and the repair reached the checks of the updated cases.
    const screening = (id: string) =>
      (
        ref.db.prepare("SELECT outcome FROM case_checks WHERE case_id = ? AND check_name = 'screening'").get(id) as {
          outcome: string;
        }
      ).outcome;
    expect(screening('listed-false-positive')).toBe('clear');
    expect(screening('listed-true-match')).toBe('true_match');
    expect(screening('listed-open')).toBe('potential_match');
    const versions = ref.db
      .prepare("SELECT count(*) AS n FROM case_check_versions WHERE case_id = 'listed-true-match'")
      .get() as { n: number };
    expect(versions.n).toBeGreaterThan(0);
  });

  for (const name of Object.keys(PATHS).filter((n) => n !== 'reference')) {
    it(`${name}: the same Admission for every delivery as before the split`, () => {
      const brief = (a: Admission) =>
        a.outcome === 'quarantined' ? `quarantined: ${a.reason}` : `${a.outcome} ${a.record.id}`;
      expect(stores.get(name)!.admissions.map(brief)).toEqual(stores.get('reference')!.admissions.map(brief));
      expect(stores.get(name)!.admissions).toEqual(stores.get('reference')!.admissions);
    });

    it(`${name}: every table byte for byte as before the split (cases, checks, quarantine, audit chain)`, () => {
      const ours = dump(stores.get(name)!.db);
      const theirs = dump(stores.get('reference')!.db);
      expect(Object.keys(ours)).toEqual(Object.keys(theirs));
      for (const table of Object.keys(theirs)) expect(ours[table], table).toEqual(theirs[table]);
      expect(theirs.cases!.length).toBeGreaterThan(250);
      expect(theirs.audit_events!.length).toBeGreaterThan(250);
    });
  }
});
