import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../../test/support/cli';
import { sharedPath } from '../../../test/support/shared';
import { tempDir } from '../../../test/support/temp';
import { ListFormatError } from '../types';
import { parseCsv } from './csv';
import { parseCslCsv } from './csl';
import { parseEuXml } from './eu';
import { parseOfacCsv } from './ofac';
import { parseUkCsv } from './uk';
import { parseUnXml } from './un';

const t = tempDir();
afterAll(() => t.cleanup());
const SAMPLES = join(ROOT, 'test', 'fixtures', 'sanctions');

describe('list readers', () => {
  it('OFAC CSV set: entries, aliases, addresses, birth dates and digital currency addresses', () => {
    const l = parseOfacCsv(sharedPath('fixtures', 'sanctions', 'ofac'));
    expect(l.entries).toHaveLength(7379);
    expect(l.entries.reduce((s, e) => s + e.names.length, 0)).toBe(19076); // ALT.CSV aliases and a.k.a. names from the remarks
    const morey = l.entries.find((e) => e.entryId === '10278');
    expect(morey).toMatchObject({
      kind: 'individual',
      names: ['LOGAN MOREY, Elvis Angus', 'BURTON BURGESS'],
      birthDates: ['1963-07-28'],
    });
    const small = parseOfacCsv(sharedPath('fixtures', 'sanctions', 'ofac-small'));
    expect(small.entries.flatMap((e) => e.addresses).length).toBeGreaterThanOrEqual(20);
  });

  it('UN consolidated XML: individuals and entities, with the publication time', () => {
    const l = parseUnXml(sharedPath('fixtures', 'sanctions', 'un', 'UN_consolidated.xml'));
    expect(l.publishedAt).toBe('2026-02-27T00:00:09.554Z');
    expect(l.entries.length).toBeGreaterThan(900);
    expect(l.entries.find((e) => e.entryId === '6907993')).toMatchObject({
      kind: 'individual',
      names: ['ERIC BADEGE'],
      birthDates: ['1971'],
      countries: expect.arrayContaining(['CD']),
    });
  });

  it('US Consolidated Screening List CSV', () => {
    const l = parseCslCsv(sharedPath('fixtures', 'sanctions', 'csl.csv'));
    expect(l.entries.length).toBeGreaterThan(100);
    expect(l.entries[0]?.names[0]).toBe('ADRIAN MANUEL HERNANDEZ');
  });

  it('EU consolidated XML (a sample in the published shape)', () => {
    const l = parseEuXml(join(SAMPLES, 'eu-sample.xml'));
    expect(l.publishedAt).toMatch(/^2026-11-14/);
    expect(l.entries).toEqual([
      expect.objectContaining({
        entryId: '13',
        kind: 'individual',
        names: ['Saddam Hussein Al-Tikriti', 'Abu Ali'],
        birthDates: ['1937-04-28'],
        countries: ['IQ'],
      }),
      expect.objectContaining({
        entryId: '139133',
        kind: 'entity',
        names: ['Joint Stock Company Rosneftegaz', 'АО Роснефтегаз'],
        countries: ['RU'],
      }),
    ]);
  });

  it('UK consolidated CSV (a sample in the published shape): one entry per Group ID', () => {
    const l = parseUkCsv(join(SAMPLES, 'uk-sample.csv'));
    expect(l.publishedAt).toBe('2026-11-14');
    expect(l.entries.map((e) => [e.entryId, e.kind, e.names])).toEqual([
      ['13479', 'individual', ['Jong Un KIM', 'Jong-un KIM']],
      ['13924', 'entity', ['LAZARUS GROUP']],
    ]);
    expect(l.entries[0]?.birthDates).toEqual(['1984-01-08']);
  });

  it('rejects a malformed OFAC file naming the file and line', () => {
    const dir = join(t.dir, 'ofac-broken');
    cpSync(sharedPath('fixtures', 'sanctions', 'ofac-small'), dir, { recursive: true });
    const lines = readFileSync(join(dir, 'sdn.csv'), 'latin1').split('\n');
    lines[2] = '99999,"BROKEN ENTRY","individual"';
    writeFileSync(join(dir, 'sdn.csv'), lines.join('\n'));
    expect(() => parseOfacCsv(dir)).toThrow(ListFormatError);
    expect(() => parseOfacCsv(dir)).toThrow(/^sdn\.csv:3: expected 12 columns, found 3$/);
  });

  it('rejects malformed XML naming the line and column', () => {
    const f = join(t.dir, 'un-broken.xml');
    writeFileSync(
      f,
      '<?xml version="1.0"?>\n<CONSOLIDATED_LIST>\n  <INDIVIDUALS>\n    <INDIVIDUAL><DATAID>1</DATAID>\n  </INDIVIDUALS>\n</CONSOLIDATED_LIST>\n',
    );
    expect(() => parseUnXml(f)).toThrow(/^un-broken\.xml:5:\d+: not well-formed XML/);
    const g = join(t.dir, 'un-noid.xml');
    writeFileSync(
      g,
      '<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>A</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>',
    );
    expect(() => parseUnXml(g)).toThrow(/INDIVIDUAL #1: has no DATAID/);
  });

  it('reads quoted CSV cells with commas, quotes and line breaks', () => {
    expect(parseCsv('a,"b, ""c""\nd",e\n1,2,3\n', 'x.csv')).toEqual([
      { line: 1, cells: ['a', 'b, "c"\nd', 'e'] },
      { line: 3, cells: ['1', '2', '3'] },
    ]);
    expect(() => parseCsv('a,"open\n', 'x.csv')).toThrow(/x\.csv:1: a quoted cell is never closed/);
  });
});
