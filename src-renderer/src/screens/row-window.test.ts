import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rowWindow, scrollTopFor, type Align, type Viewport } from './row-window';

// The queue's drawn rows by arithmetic (row-window.ts), against their definition: a scan of every row.

/** Every row with any part in view (the position clamped to the end, as the browser clamps it), and `overscan` more each side. */
function scanned(count: number, h: number, view: Viewport, overscan: number): [number, number] | null {
  if (count <= 0 || view.height <= 0) return null;
  const top = Math.max(0, Math.min(view.top, count * h - view.height));
  const bottom = top + view.height;
  let first = -1;
  let last = -1;
  for (let i = 0; i < count; i++) {
    const start = i * h;
    const end = start + h;
    // The row at the top edge is the one whose span holds it; at the bottom, the one reaching it.
    if (first < 0 && end > top) first = i;
    if (start < bottom) last = i;
  }
  if (first < 0) first = count - 1;
  last = Math.max(first, last);
  return [Math.max(0, first - overscan), Math.min(count - 1, last + overscan)];
}

describe('the rows the queue draws', () => {
  it('at the top, in the middle, at the end, past the end', () => {
    const view = (top: number): Viewport => ({ top, height: 260 });
    expect(rowWindow(1_000_000, 26, view(0), 2)).toEqual([0, 11]);
    // 26 px down: row 1 is the first in view; 26 × 11 = 286 reaches row 10's bottom edge exactly.
    expect(rowWindow(1_000_000, 26, view(26), 0)).toEqual([1, 10]);
    expect(rowWindow(1_000_000, 26, view(13), 0)).toEqual([0, 10]);
    expect(rowWindow(100, 26, view(2600 - 260), 20)).toEqual([70, 99]);
    // A stale position beyond the end (the count fell): the last screenful, as the browser will clamp it.
    expect(rowWindow(100, 26, view(50_000), 0)).toEqual([90, 99]);
    // Fewer rows than fill the view: all of them.
    expect(rowWindow(3, 26, view(0), 20)).toEqual([0, 2]);
  });

  it('none without rows or before the scroller has a height', () => {
    expect(rowWindow(0, 26, { top: 0, height: 500 }, 2)).toBeNull();
    expect(rowWindow(10, 26, { top: 0, height: 0 }, 2)).toBeNull();
  });

  it('equals a scan of every row, for any count, position, height and overscan', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 20_000, noNaN: true }),
        fc.integer({ min: 0, max: 1_500 }),
        fc.integer({ min: 0, max: 25 }),
        (count, h, top, height, overscan) => {
          expect(rowWindow(count, h, { top, height }, overscan)).toEqual(scanned(count, h, { top, height }, overscan));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('costs the same at a million rows as at ten (no per-row work)', () => {
    // Not a timing: a million-row scan here would take seconds; the window answers from arithmetic.
    expect(rowWindow(1_000_000, 26, { top: 13_000_000, height: 800 }, 20)).toEqual([499_980, 500_050]);
  });
});

describe('scrolling a row into view', () => {
  const view: Viewport = { top: 260, height: 260 }; // rows 10-19 in view
  const max = 100 * 26 - 260;
  const to = (index: number, align: Align) => scrollTopFor(index, align, 100, 26, view, max);

  it('auto: nothing for a row wholly in view, else by as little as possible', () => {
    expect(to(12, 'auto')).toBeNull();
    expect(to(10, 'auto')).toBe(260); // its top on the edge: aligned there, which moves nothing
    expect(to(25, 'auto')).toBe(26 * 26 - 260); // brought up to the bottom edge
    expect(to(3, 'auto')).toBe(3 * 26); // brought down to the top edge
  });

  it('start, center and end, within the scroll range', () => {
    expect(to(50, 'start')).toBe(1300);
    expect(to(50, 'center')).toBe(1300 + (26 - 260) / 2);
    expect(to(50, 'end')).toBe(51 * 26 - 260);
    expect(to(0, 'center')).toBe(0);
    expect(to(99, 'start')).toBe(max);
    expect(to(500, 'start')).toBe(max); // an index past the end is the last row
  });

  it('nothing to scroll to without rows', () => {
    expect(scrollTopFor(0, 'start', 0, 26, view, 0)).toBeNull();
  });
});
