import { describe, expect, it } from 'vitest';
import { localDate } from './pack';

// localDate reads a zone's offset once per UTC day (pack.ts): these compare it with Intl read directly,
// instant by instant, in every zone Node knows, including the days a zone changes its offset.

const reference = new Map<string, Intl.DateTimeFormat>();
function intlDate(t: number, timeZone: string): string {
  let f = reference.get(timeZone);
  if (!f)
    reference.set(
      timeZone,
      (f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })),
    );
  const p = Object.fromEntries(f.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}`;
}

/** Each instant where the two disagree, as "zone instant: ours / Intl's". */
function disagreements(instants: Iterable<[number, string]>): string[] {
  const out: string[] = [];
  for (const [t, zone] of instants) {
    const iso = new Date(t).toISOString();
    const ours = localDate(iso, zone);
    const theirs = intlDate(t, zone);
    if (ours !== theirs) out.push(`${zone} ${iso}: ${ours} / ${theirs}`);
  }
  return out;
}

describe('localDate (the legal date of an instant in a zone)', () => {
  it('agrees with Intl in every zone, every 31 hours and 7 minutes through 2025 and 2026', () => {
    const zones = Intl.supportedValuesOf('timeZone');
    expect(zones.length).toBeGreaterThan(300);
    const from = Date.parse('2025-01-01T00:00:00Z');
    const to = Date.parse('2027-01-01T00:00:00Z');
    function* instants(): Generator<[number, string]> {
      for (const zone of zones) for (let t = from; t < to; t += 31 * 3_600_000 + 7 * 60_000) yield [t, zone];
    }
    expect(disagreements(instants())).toEqual([]);
  });

  it('agrees on the days a zone changes its offset, minute by minute around the change', () => {
    const around: [string, string][] = [
      // Samoa skipped 30 December 2011 (UTC-10 to UTC+14): the local date jumps a day.
      ['Pacific/Apia', '2011-12-30T10:00:00Z'],
      // Chile ends summer time at local midnight: 23:59 is followed by 23:00 of the same day.
      ['America/Santiago', '2026-04-05T03:00:00Z'],
      ['America/Santiago', '2026-09-06T04:00:00Z'],
      // Half-hour and 45-minute offsets; a half-hour summer time change (Lord Howe).
      ['Asia/Kathmandu', '2026-03-01T18:15:00Z'],
      ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'],
      ['Australia/Lord_Howe', '2026-10-03T15:30:00Z'],
      ['Europe/Berlin', '2026-03-29T01:00:00Z'],
      ['Europe/Berlin', '2026-10-25T01:00:00Z'],
      ['America/New_York', '2026-03-08T07:00:00Z'],
      ['America/New_York', '2026-11-01T06:00:00Z'],
    ];
    function* instants(): Generator<[number, string]> {
      for (const [zone, at] of around) {
        const t0 = Date.parse(at);
        for (let t = t0 - 26 * 3_600_000; t <= t0 + 26 * 3_600_000; t += 60_000) yield [t, zone];
      }
    }
    expect(disagreements(instants())).toEqual([]);
  });

  it('keeps milliseconds and the last instant of a day on the right side of midnight', () => {
    expect(localDate('2026-07-18T21:59:59.999Z', 'Europe/Berlin')).toBe('2026-07-18');
    expect(localDate('2026-07-18T22:00:00.000Z', 'Europe/Berlin')).toBe('2026-07-19');
    expect(localDate('2026-07-19T03:59:59.999Z', 'America/New_York')).toBe('2026-07-18');
    expect(localDate('2026-07-19T04:00:00.000Z', 'America/New_York')).toBe('2026-07-19');
    expect(localDate('not a time', 'Europe/Berlin')).toBeNull();
  });
});
