import { describe, expect, it } from 'vitest';
import { generateCases } from '../cases/generate';
import { readIvms101, readIvms101Shared, sharingIvms101Reads } from './engine';

// Issue 21: within one admission a case's payload is read once and the reading shared; outside an
// admission every call reads afresh, so a payload changed in place is never answered from the past.

const payload = () => structuredClone([...generateCases(1, { seed: 3 })][0]!.ivms101) as Record<string, unknown>;

describe('readIvms101Shared', () => {
  it('answers the same object and options from one reading inside sharingIvms101Reads', () => {
    const p = payload();
    sharingIvms101Reads(() => {
      const a = readIvms101Shared(p, { today: '2026-11-29' });
      expect(readIvms101Shared(p, { today: '2026-11-29' })).toBe(a);
      // Another "today" is another reading (C2 compares dates of birth with it).
      expect(readIvms101Shared(p, { today: '2026-11-30' })).not.toBe(a);
      expect(a).toEqual(readIvms101(p, { today: '2026-11-29' }));
    });
  });

  it('reads afresh outside, so a payload changed in place is judged as it now is', () => {
    const p = payload();
    const before = readIvms101Shared(p, { today: '2026-11-29' });
    expect(before.ok && before.result.valid).toBe(true);
    // Change it in place: no originator persons any more.
    (p.originator as Record<string, unknown>).originatorPersons = [];
    const after = readIvms101Shared(p, { today: '2026-11-29' });
    expect(after).not.toBe(before);
    expect(after).toEqual(readIvms101(p, { today: '2026-11-29' }));
    expect(after).not.toEqual(before);
  });
});
