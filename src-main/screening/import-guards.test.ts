import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { caseWith } from '../../test/support/cases';
import { openTestDb } from '../../test/support/db';
import { sharedPath } from '../../test/support/shared';
import { tempDir } from '../../test/support/temp';
import type { WritableDB } from '../store/db';
import { screenCase } from './case';
import { parseCslCsv } from './lists/csl';
import { parseCsv } from './lists/csv';
import { parseUnXml } from './lists/un';
import { ScreeningIndex } from './search';
import { activeLists, dispositionHistory, entryDigest, importList, listVersions, recordDisposition } from './store';
import { ListFormatError } from './types';

// Issue 16 point 6 and issue 17 point 4: a hostile or broken list file is refused by name, and the
// version in force stays in force, untouched.

let t: ReturnType<typeof tempDir>;
let db: WritableDB;
beforeEach(() => {
  t = tempDir();
  db = openTestDb(t.dir).db;
});
afterEach(() => {
  db.close();
  t.cleanup();
});

const UN = sharedPath('fixtures', 'sanctions', 'un', 'UN_consolidated.xml');
const laughs = [
  '<!ENTITY lol "lol">',
  ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
].join('\n');
const HOSTILE: Record<string, string> = {
  'billion laughs': `<?xml version="1.0"?>\n<!DOCTYPE CONSOLIDATED_LIST [\n${laughs}\n]>\n<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>&lol9;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>`,
  'external entity': `<?xml version="1.0"?>\n<!DOCTYPE CONSOLIDATED_LIST [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>&xxe;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>`,
  'quadratic blow-up': `<?xml version="1.0"?>\n<!DOCTYPE CONSOLIDATED_LIST [ <!ENTITY a "${'x'.repeat(50_000)}"> ]>\n<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>${'&a;'.repeat(20_000)}</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>`,
  'external DTD': `<?xml version="1.0"?>\n<!DOCTYPE CONSOLIDATED_LIST SYSTEM "http://127.0.0.1:1/evil.dtd">\n<CONSOLIDATED_LIST/>`,
};

describe('hostile XML list files', () => {
  for (const [name, xml] of Object.entries(HOSTILE)) {
    it(`${name}: refused by name, the UN list in force untouched`, () => {
      const inForce = importList(db, 'un', UN);
      const f = join(t.dir, 'hostile.xml');
      writeFileSync(f, xml);
      let err: unknown;
      try {
        importList(db, 'un', f);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ListFormatError);
      expect(err).toMatchObject({
        code: 'xml_declaration_refused',
        where: expect.stringMatching(/^hostile\.xml:2:1$/),
      });
      expect((err as Error).message).toMatch(/refused: the file declares <!DOCTYPE>/);
      expect(listVersions(db).filter((v) => v.source === 'un')).toEqual([
        expect.objectContaining({ id: inForce.id, active: true, entryCount: 1003 }),
      ]);
      expect(activeLists(db)[0]!.entries).toHaveLength(1003);
    });
  }

  it('an entity declaration without a DOCTYPE, and a 100,000-deep nest, are refused by name too', () => {
    const f = join(t.dir, 'entity.xml');
    writeFileSync(f, '<CONSOLIDATED_LIST>\n<!ENTITY x "y"></CONSOLIDATED_LIST>');
    expect(() => parseUnXml(f)).toThrow(
      expect.objectContaining({ code: 'xml_declaration_refused', where: 'entity.xml:2:1' }),
    );
    const g = join(t.dir, 'deep.xml');
    writeFileSync(g, `<CONSOLIDATED_LIST>${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</CONSOLIDATED_LIST>`);
    expect(() => parseUnXml(g)).toThrow(
      expect.objectContaining({
        code: 'too_deep',
        message: expect.stringMatching(/^deep\.xml:1:\d+: elements nest more than 64 deep/),
      }),
    );
  });
});

describe('the shrink guard', () => {
  it('refuses a version with more than 20 % fewer entries unless confirmed', () => {
    const full = importList(db, 'ofac', sharedPath('fixtures', 'sanctions', 'ofac'));
    expect(full.entryCount).toBe(7379);
    let err: unknown;
    try {
      importList(db, 'ofac', sharedPath('fixtures', 'sanctions', 'ofac-small'));
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({
      code: 'shrink',
      message: expect.stringMatching(
        /entries where the version in force \(ofac .*\) has 7379: 100 % fewer, more than the 20 % allowed\. Confirm it \(--allow-shrink\)/,
      ),
    });
    expect(
      listVersions(db)
        .filter((v) => v.active)
        .map((v) => v.id),
    ).toEqual([full.id]);
    const confirmed = importList(db, 'ofac', sharedPath('fixtures', 'sanctions', 'ofac-small'), {
      allowShrink: true,
      importedBy: 'analyst-1',
    });
    expect(listVersions(db).filter((v) => v.active)).toEqual([
      expect.objectContaining({ id: confirmed.id, importedBy: 'analyst-1', origin: 'file ofac-small' }),
    ]);
  });

  it('a share below the limit passes, and the same file again makes no new version', () => {
    const dir = join(t.dir, 'ofac');
    cpSync(sharedPath('fixtures', 'sanctions', 'ofac'), dir, { recursive: true });
    const first = importList(db, 'ofac', dir);
    const lines = readFileSync(join(dir, 'sdn.csv'), 'latin1').split('\n');
    writeFileSync(join(dir, 'sdn.csv'), lines.slice(0, Math.floor(lines.length * 0.85)).join('\n') + '\n', 'latin1');
    const second = importList(db, 'ofac', dir);
    expect(second.changed).toBe(true);
    expect(second.entryCount).toBeLessThan(first.entryCount);
    const again = importList(db, 'ofac', dir);
    expect(again).toMatchObject({ id: second.id, changed: false });
    expect(listVersions(db)).toHaveLength(2);
  });
});

describe('CSL rows never overwrite each other', () => {
  it('every row of the snapshot is stored, with its addresses', () => {
    const rows = parseCsv(readFileSync(sharedPath('fixtures', 'sanctions', 'csl.csv'), 'utf8'), 'csl.csv').length - 1;
    expect(rows).toBe(115);
    const parsed = parseCslCsv(sharedPath('fixtures', 'sanctions', 'csl.csv'));
    const v = importList(db, 'csl', sharedPath('fixtures', 'sanctions', 'csl.csv'));
    expect(v.entryCount).toBe(parsed.entries.length);
    expect(new Set(parsed.entries.map((e) => e.entryId)).size).toBe(parsed.entries.length);
    expect(
      (db.prepare('SELECT count(*) AS n FROM sanctions_entries WHERE list_id = ?').get(v.id) as { n: number }).n,
    ).toBe(parsed.entries.length);
    expect(parsed.entries.length).toBe(rows); // one entry per row: before, 115 rows were read and 110 stored
    expect(parsed.entries.filter((e) => e.postalAddresses?.length).length).toBeGreaterThan(50);
  });

  it('same source and name, different rows: two entries, each with its own address', () => {
    const head = 'source,entity_number,type,programs,name,addresses,alt_names\n';
    const f = join(t.dir, 'csl.csv');
    writeFileSync(
      f,
      head +
        'Entity List (EL) - Bureau of Industry and Security,,,,ACME TRADING,"1 Road, Dubai, AE",\nEntity List (EL) - Bureau of Industry and Security,,,,ACME TRADING,"2 Street, Hong Kong, HK",\nEntity List (EL) - Bureau of Industry and Security,,,,ACME TRADING,"2 Street, Hong Kong, HK",\n',
    );
    const l = parseCslCsv(f);
    expect(l.entries.map((e) => e.postalAddresses)).toEqual([
      ['1 Road, Dubai, AE'],
      ['2 Street, Hong Kong, HK'],
      ['2 Street, Hong Kong, HK'],
    ]);
    expect(new Set(l.entries.map((e) => e.entryId)).size).toBe(3);
    expect(importList(db, 'csl', f).entryCount).toBe(3);
  });
});

describe('dispositions across list versions', () => {
  it('a re-import keeps the prior verdict visible and asks again only for the entry that changed', () => {
    const dir = join(t.dir, 'ofac');
    cpSync(sharedPath('fixtures', 'sanctions', 'ofac-small'), dir, { recursive: true });
    const v1 = importList(db, 'ofac', dir);
    const base = caseWith({ counterparty: 'US', value: '100', currency: 'EUR', at: '2026-11-02T10:00:00Z' });
    const listed = activeLists(db)[0]!
      .entries.filter((e) => e.addresses.length)
      .slice(0, 2);
    const [a, b] = listed.map((e) => ({
      e,
      c: {
        ...base,
        network: 'bitcoin',
        beneficiaryWallet: e.addresses.find((x) => x.chain === 'XBT')?.address ?? e.addresses[0]!.address,
      },
    }));
    const hitOf = (x: typeof a) =>
      screenCase(db, x!.c, new ScreeningIndex(activeLists(db))).hits.find((h) => h.entryId === x!.e.entryId)!;
    for (const x of [a, b]) {
      const h = hitOf(x);
      expect(h.evidence?.names).toEqual(x!.e.names);
      recordDisposition(db, {
        partyDigest: h.party.digest,
        source: 'ofac',
        entryId: h.entryId,
        entryDigest: h.entryDigest,
        listVersion: v1.label,
        entry: x!.e,
        caseId: 'c1',
        disposition: 'false_positive',
        state: 'in_force',
        reasonCode: 'verified_customer',
        note: 'our own hot wallet',
        analyst: 'a1',
        decidedAt: '2026-11-29T10:00:00Z',
      });
      expect(hitOf(x).disposition).toMatchObject({ reasonCode: 'verified_customer', listVersion: v1.label });
    }
    // A new version amends entry a's remarks; entry b is unchanged.
    const lines = readFileSync(join(dir, 'sdn.csv'), 'latin1').split('\n');
    const i = lines.findIndex((l) => l.startsWith(`${a!.e.entryId},`));
    lines[i] = lines[i]!.replace(/"(\r?)$/, '; Additional Sanctions Information - amended"$1');
    expect(lines[i]).toMatch(/amended"\r?$/);
    writeFileSync(join(dir, 'sdn.csv'), lines.join('\n'), 'latin1');
    const v2 = importList(db, 'ofac', dir);
    expect(v2.id).not.toBe(v1.id);
    const ha = hitOf(a);
    expect(ha.disposition).toBeNull();
    expect(ha.previous).toMatchObject({
      disposition: 'false_positive',
      note: 'our own hot wallet',
      listVersion: v1.label,
    });
    expect(hitOf(b).disposition).toMatchObject({ note: 'our own hot wallet' });
    // The history keeps the entry as it read when decided.
    const hist = dispositionHistory(db, ha.party.digest, 'ofac', a!.e.entryId);
    expect(hist).toHaveLength(1);
    expect(hist[0]!.entryDigest).toBe(entryDigest(a!.e));
    expect(ha.entryDigest).not.toBe(entryDigest(a!.e));
  });
});
