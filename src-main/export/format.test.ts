import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases, readZip, workstationWith } from '../../test/support/export';
import { insertStubCase } from '../../test/support/db';
import { tempDir } from '../../test/support/temp';
import type { Workstation } from '../app/workstation';
import { canonicalLine } from './jsonl';
import { evaluationRecord, unverifiedRulesCell, type CheckRow } from './rows';
import { expandSources, FINAL_BLOCK, formatJob, RuleSources } from './format';

// Issue 21: the export reads case_checks as stored and puts each Travel Rule result's citations back
// in its workers (expandSources), where it read them through the view case_checks_full, which expanded
// them in SQL for every row. Differential: the bundle's evaluations.jsonl and cases.csv hold, byte for
// byte, what the view gives, on results the real intake stored and on stored texts of odd shapes.
const ALL = { from: '2000-01-01', to: '2099-12-31', jurisdiction: null, direction: null, status: null };
let t: ReturnType<typeof tempDir>;
let ws: Workstation;

// Stored Travel Rule results of shapes the engine does not write, each on a case of its own, where the
// view and expandSources agree. sha256:known is in rule_sources (inserted below), sha256:unknown is not.
const REF = '"sources":"sha256:known"';
const ODD: Record<string, string> = {
  'odd-1': `{"sides":[{${REF},"role":"originator"},{"sources":"sha256:unknown"},{"sources":[{"q":"inline"}]},5,null,[1,{${REF}}]],"unverified":[{"jurisdiction":"FR","version":"FR-pre-TFR"}]}`,
  'odd-2': `{"sides":[{"sources" : "sha256:known"}]}`, // spelled otherwise: not a reference the store wrote
  'odd-3': `{"note":"${REF.replace(/"/g, '\\"')}","sides":[]}`,
  'odd-4': `{"sides":"${'x'}","m":"\\"sources\\":\\"sha256:"}`,
  'odd-5': `[{${REF}}]`,
  'odd-6': `{"sides":[{${REF},"n":1.50,"big":12345678901234567890,"e":"\\u00e9\\ud83d\\ude00"}]}`,
  'odd-7': `{"sides":[{${REF},"sources":"sha256:unknown"}]}`, // a duplicate key: the last one is the value
};

beforeAll(async () => {
  t = tempDir();
  ws = await workstationWith(t.dir, cases(300));
  const db = ws.database();
  db.prepare('INSERT INTO rule_sources (digest, sources) VALUES (?, ?)').run(
    'sha256:known',
    '[{"quote":"Article 14 (1)","b":[2, 1],"a":"\\u00e9"}]',
  );
  for (const [id, result] of Object.entries(ODD)) {
    insertStubCase(db, id);
    db.prepare("UPDATE cases SET transfer_time = '2026-10-01T00:00:00Z' WHERE id = ?").run(id);
    db.prepare(
      `INSERT INTO case_checks (case_id, check_name, outcome, summary, result, inputs_digest, engine_version, computed_at)
       VALUES (?, 'travel_rule', 'compliant', 's', ?, 'd', 'e', '2026-10-01T00:00:00Z')`,
    ).run(id, result);
  }
}, 120_000);
afterAll(() => {
  ws?.close();
  t?.cleanup();
});

const viewRows = (): CheckRow[] =>
  ws
    .database()
    .prepare(
      `SELECT case_id, check_name, outcome, summary, result, inputs_digest, engine_version, computed_at
       FROM case_checks_full WHERE check_name = 'travel_rule' ORDER BY case_id`,
    )
    .all() as CheckRow[];

describe('Travel Rule citations put back in the export (expandSources)', () => {
  it('writes evaluations.jsonl and cases.csv as the view case_checks_full reads them', async () => {
    const db = ws.database();
    // The store holds references, as the real intake wrote them: there is something to put back.
    const stored = db
      .prepare(`SELECT count(*) AS n FROM case_checks WHERE check_name = 'travel_rule' AND instr(result, ?) > 0`)
      .get('"sources":"sha256:') as { n: number };
    expect(stored.n).toBeGreaterThan(250);
    const out = join(t.dir, 'differential.zip');
    await ws.createExport(ALL, out);
    const entries = await readZip(out);
    const file = (name: string) => entries.find((e) => e.name === name)!.data.toString('utf8');

    const rows = viewRows();
    expect(rows).toHaveLength(300 + Object.keys(ODD).length);
    const expected = rows.map((k) => canonicalLine(evaluationRecord(k)));
    const written = file('evaluations.jsonl')
      .split(/(?<=\n)/)
      .filter((l) => (JSON.parse(l) as { check: string }).check === 'travel_rule');
    expect(written).toEqual(expected);
    // The citations are in the bundle in full (the view's text, not a reference).
    expect(written.filter((l) => l.includes('"sources":[{')).length).toBeGreaterThan(250);
    const real = written.filter((l) => !l.startsWith('{"caseId":"odd-'));
    expect(real).toHaveLength(300);
    expect(real.filter((l) => l.includes('"sources":"sha256:'))).toEqual([]);

    const csv = file('cases.csv').split('\r\n').filter(Boolean);
    const column = csv[0]!.split(',').indexOf('travel_rule_unverified_rule');
    const cells = new Map(csv.slice(1).map((l) => [l.split(',')[0]!, l.split(',')[column]]));
    for (const k of rows) expect([k.case_id, cells.get(k.case_id)]).toEqual([k.case_id, unverifiedRulesCell(k.result)]);
    expect(cells.get('odd-1')).toBe('FR FR-pre-TFR');
  }, 120_000);

  it('puts back the same values as the view on each odd stored text, in a worker or here', () => {
    const db = ws.database();
    const sources = new RuleSources(
      (db.prepare('SELECT digest, sources FROM rule_sources').all() as { digest: string; sources: string }[]).map(
        (r) => [r.digest, r.sources] as const,
      ),
    );
    const byId = new Map(viewRows().map((k) => [k.case_id, k]));
    for (const [id, stored] of Object.entries(ODD)) {
      const view = byId.get(id)!;
      const mine = expandSources('travel_rule', stored, JSON.parse(stored), sources);
      expect([id, canonicalLine({ v: mine })]).toEqual([id, canonicalLine({ v: JSON.parse(view.result) as unknown })]);
    }
    // Only a Travel Rule result is expanded, as by the view.
    const other = `{"sides":[{${REF}}]}`;
    expect(canonicalLine(expandSources('screening', other, JSON.parse(other), sources))).toBe(`${other}\n`);
  });

  it('leaves a reference whose list rule_sources does not hold, and refuses an unreadable list', () => {
    const stored = `{"sides":[{${REF}}]}`;
    expect(canonicalLine(expandSources('travel_rule', stored, JSON.parse(stored), new RuleSources()))).toBe(
      `${stored}\n`,
    );
    const broken = new RuleSources([['sha256:known', '[{"quote":']]);
    expect(() => expandSources('travel_rule', stored, JSON.parse(stored), broken)).toThrow(SyntaxError);
  });

  it('refuses an unreadable stored result: the export stops rather than write a line for it', () => {
    const job = {
      kind: 'cases' as const,
      cases: [],
      checks: [
        {
          case_id: 'c1',
          check_name: 'travel_rule',
          outcome: 'compliant',
          summary: 's',
          result: '{not json',
          inputs_digest: 'd',
          engine_version: 'e',
          computed_at: 'at',
        },
      ],
      written: [],
    };
    expect(() => formatJob(job)).toThrow(SyntaxError);
  });

  it('puts the deflate of a batch in the buffer of its text, so the reading thread hands back every byte it was sent', () => {
    // Issue 21's peak RSS: a deflate in a buffer of its own stayed on the reading thread as garbage
    // (up to V8's 64 MiB of external memory between two collections); one buffer is recycled whole.
    const events = Array.from({ length: 3000 }, (_, i) => ({
      seq: i + 1,
      at: '2026-10-01T00:00:00Z',
      actor: 'analyst',
      action: 'case.decided',
      caseId: `c${i}`,
      payload: JSON.stringify({ note: `decision ${i}`, n: i }),
      payloadDigest: 'd'.repeat(64),
      prevHash: 'p'.repeat(64),
      hash: 'h'.repeat(64),
      included: i % 2,
    }));
    const [chunk] = formatJob({ kind: 'audit.jsonl', events }).chunks;
    expect(chunk!.deflated.buffer).toBe(chunk!.raw.buffer);
    expect([chunk!.raw.byteOffset, chunk!.deflated.byteOffset]).toEqual([0, chunk!.raw.length]);
    expect(chunk!.deflated.length).toBeGreaterThan(0);
    const text = Buffer.from(chunk!.raw).toString('utf8');
    expect(text.split('\n')).toHaveLength(3001);
    expect(inflateRawSync(Buffer.concat([chunk!.deflated, FINAL_BLOCK])).equals(Buffer.from(chunk!.raw))).toBe(true);
    // Formatted again: the same bytes (the buffer's size, remembered from this batch, changes nothing).
    const again = formatJob({ kind: 'audit.jsonl', events }).chunks[0]!;
    expect(Buffer.from(again.raw).equals(Buffer.from(chunk!.raw))).toBe(true);
    expect(Buffer.from(again.deflated).equals(Buffer.from(chunk!.deflated))).toBe(true);
  });
});
