import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertStubCase, openTestDb } from '../../test/support/db';
import { tempDir } from '../../test/support/temp';
import { generateCases } from '../cases/generate';
import { computeCaseChecks, saveCaseChecks, type CheckContext } from '../checks/run';
import { memoryRates } from '../rules/fx';
import { defaultRulePack } from '../rules/pack';
import { checksForCase, saveCheck, supersededChecks } from './checks';
import type { WritableDB } from './db';

// Migration 0022: a Travel Rule result's citations are stored once (rule_sources) and put back on
// reading. What a reader gets must be the result as computed, to the byte: the export hashes it.

const CTX: CheckContext = {
  homeJurisdiction: 'DE',
  today: '2026-11-22',
  pack: defaultRulePack(),
  rates: memoryRates([{ base: 'EUR', quote: 'USD', rate: '1.08', asOf: '2026-01-01T00:00:00.000Z', source: 'test' }]),
};
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

const insertStub = (id: string) => insertStubCase(db, id);
const fullText = (id: string, name: string) =>
  (
    db.prepare('SELECT result FROM case_checks_full WHERE case_id = ? AND check_name = ?').get(id, name) as {
      result: string;
    }
  ).result;
const storedText = (id: string, name: string) =>
  (
    db.prepare('SELECT result FROM case_checks WHERE case_id = ? AND check_name = ?').get(id, name) as {
      result: string;
    }
  ).result;

describe('stored check results (citations kept once)', () => {
  it('reads back every Travel Rule result byte for byte, across 400 cases of every kind', () => {
    let stored = 0;
    let full = 0;
    for (const c of generateCases(400, { seed: 14 })) {
      insertStub(c.id);
      const computed = computeCaseChecks(db, c, CTX);
      saveCaseChecks(db, c.id, computed, '2026-11-22T10:00:00.000Z');
      for (const x of computed) {
        expect(fullText(c.id, x.check.name), `${c.id} ${x.check.name}`).toBe(JSON.stringify(x.check.result));
      }
      stored += storedText(c.id, 'travel_rule').length;
      full += fullText(c.id, 'travel_rule').length;
    }
    // The citations were nearly half the bytes (measured: 45%).
    expect(stored / full).toBeLessThan(0.6);
    const lists = db.prepare('SELECT count(*) AS n FROM rule_sources').get() as { n: number };
    expect(lists.n).toBeGreaterThan(3);
    expect(lists.n).toBeLessThan(400);
  });

  it('puts back text JSON.stringify wrote, whatever it holds: escapes, surrogates, numbers', () => {
    insertStub('x');
    const odd = [
      { label: 'quote " backslash \\ slash / tab \t nl \n', url: 'u\u0000\u001f\u007f', quote: '\u2028\u2029 é → 中' },
      { label: 'lone \ud800 surrogate \udc00', article: 'Art. 1', n: [0, -1, 0.1, 1e21, 1e-7, 123456789012, -0] },
    ];
    const result = {
      outcome: 'applies',
      sides: [
        { side: 'originator', sources: odd, threshold: { amount: '1000' } },
        { side: 'beneficiary', sources: [], after: true },
        { side: 'x', sources: 'not an array' },
      ],
      tail: { sources: odd },
    };
    const check = {
      name: 'travel_rule',
      outcome: 'applies',
      summary: 's',
      result,
      inputsDigest: 'd',
      engineVersion: 'e',
      computedAt: 'c',
    };
    saveCheck(db, 'x', check);
    // A side holding a string where the engine writes a list: the result is not the engine's, kept whole.
    expect(storedText('x', 'travel_rule')).toBe(JSON.stringify(result));
    expect(fullText('x', 'travel_rule')).toBe(JSON.stringify(result));
    const engineShaped = { ...result, sides: result.sides.slice(0, 2) };
    saveCheck(db, 'x', { ...check, result: engineShaped, inputsDigest: 'd2' });
    expect(storedText('x', 'travel_rule')).toContain('"sources":"sha256:');
    expect(fullText('x', 'travel_rule')).toBe(JSON.stringify(engineShaped));
    expect(checksForCase(db, 'x')[0]!.result).toEqual(JSON.parse(JSON.stringify(engineShaped)));
    // The result it replaced reads back as it was too.
    expect(supersededChecks(db, 'x')[0]!.result).toEqual(JSON.parse(JSON.stringify(result)));
  });

  it('keeps citations a stored result refers to: nothing can change or remove them', () => {
    const [c] = [...generateCases(1, { seed: 3 })];
    insertStub(c!.id);
    saveCaseChecks(db, c!.id, computeCaseChecks(db, c!, CTX), 'now');
    expect(() => db.prepare("UPDATE rule_sources SET sources = '[]'").run()).toThrow(/never changed/);
    expect(() => db.prepare('DELETE FROM rule_sources').run()).toThrow(/never removed/);
  });

  it('reads a result stored before the citations were kept apart as it is', () => {
    insertStub('old');
    const result = { outcome: 'applies', sides: [{ side: 'originator', sources: [{ label: 'L', url: 'u' }] }] };
    db.prepare(
      `INSERT INTO case_checks (case_id, check_name, outcome, summary, result, inputs_digest, engine_version, computed_at)
       VALUES ('old', 'travel_rule', 'applies', 's', ?, 'd', 'e', 'c')`,
    ).run(JSON.stringify(result));
    expect(fullText('old', 'travel_rule')).toBe(JSON.stringify(result));
    // A superseded result is read through the same expansion.
    saveCheck(db, 'old', {
      name: 'travel_rule',
      outcome: 'x',
      summary: 's',
      result: { sides: [] },
      inputsDigest: 'd2',
      engineVersion: 'e',
      computedAt: 'c2',
    });
    expect(supersededChecks(db, 'old')[0]!.result).toEqual(result);
  });
});
