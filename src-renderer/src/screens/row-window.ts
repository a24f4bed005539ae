import { useLayoutEffect, useReducer, useRef, type RefObject } from 'react';
import { flushSync } from 'react-dom';

// The queue's rows all have one height, so which of them are in view is arithmetic on the scroll
// position: constant time whatever the count. @tanstack/react-virtual, used before, measured every row
// (an array of a million positions) each time the count changed: 9-27 ms of a filter change at a
// million cases in Node, more in the page with the garbage it left (issue 21). The answers are those
// it gave for rows of one height (row-window.test.ts checks them against a scan of every row).

/** A row to draw: its index and its top and bottom edge, in pixels from the first row's top. */
export interface WindowRow {
  index: number;
  start: number;
  end: number;
}

export interface Viewport {
  /** The scroll element's scrollTop. */
  top: number;
  /** Its clientHeight: the height rows can show in (0 before it is laid out: nothing drawn). */
  height: number;
}

/**
 * The rows to draw: those with any part between `top` and `top + height` (a scroll position past the
 * end counts as the end's), and `overscan` more on each side. Empty when there are no rows or no height.
 */
export function rowWindow(count: number, rowHeight: number, view: Viewport, overscan: number): [number, number] | null {
  if (count <= 0 || view.height <= 0) return null;
  const offset = Math.max(0, Math.min(view.top, count * rowHeight - view.height));
  const first = Math.min(Math.floor(offset / rowHeight), count - 1);
  const last = Math.min(count - 1, Math.max(first, Math.ceil((offset + view.height) / rowHeight) - 1));
  return [Math.max(first - overscan, 0), Math.min(last + overscan, count - 1)];
}

export type Align = 'start' | 'center' | 'end' | 'auto';

/**
 * The scrollTop that shows row `index` as `align` asks ('auto': scroll only if the row is not wholly
 * in view, and then by as little as possible), within 0 and `maxTop`; null when nothing need move.
 */
export function scrollTopFor(
  index: number,
  align: Align,
  count: number,
  rowHeight: number,
  view: Viewport,
  maxTop: number,
): number | null {
  if (count <= 0) return null;
  const i = Math.max(0, Math.min(index, count - 1));
  const start = i * rowHeight;
  const end = start + rowHeight;
  let to: Align = align;
  if (to === 'auto') {
    if (end >= view.top + view.height) to = 'end';
    else if (start <= view.top) to = 'start';
    else return null;
  }
  // Whole pixels, rounded so the row stays whole (the page scrolls by whole pixels; a header can be 21.5 px high).
  const top =
    to === 'end'
      ? Math.ceil(end - view.height)
      : to === 'center'
        ? Math.round(start + (rowHeight - view.height) / 2)
        : Math.floor(start);
  return Math.max(Math.min(maxTop, top), 0);
}

/** A header's height as laid out, fractions included (offsetHeight rounds 21.5 px up to 22). */
export function headerHeight(header: RefObject<HTMLElement | null> | undefined): number {
  return header?.current?.getBoundingClientRect().height ?? 0;
}

export interface RowWindowState {
  rows: WindowRow[];
  /** The height of every row together, for the space below those drawn. */
  totalSize: number;
  scrollToIndex(index: number, align?: Align): void;
}

/**
 * The rows of `scroller` to draw, kept current as it scrolls or changes size: a scroll that brings
 * other rows into view redraws at once (in the scroll event, so no frame shows blank rows); a scroll
 * within the same rows redraws nothing.
 */
export function useRowWindow(
  scroller: RefObject<HTMLElement | null>,
  count: number,
  rowHeight: number,
  overscan: number,
  /** A sticky header inside the scroller, above the rows: a row under it is not in view. */
  header?: RefObject<HTMLElement | null>,
): RowWindowState {
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  // The viewport as last seen by a scroll or resize: read from events, not during a render, which
  // would force the page to lay itself out there.
  const view = useRef<Viewport>({ top: 0, height: 0 });
  const args = useRef({ count, rowHeight, overscan, drawn: null as [number, number] | null });
  const drawn = rowWindow(count, rowHeight, view.current, overscan);
  args.current = { count, rowHeight, overscan, drawn };

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const look = (sync: boolean) => {
      view.current = { top: el.scrollTop, height: el.clientHeight };
      const a = args.current;
      const next = rowWindow(a.count, a.rowHeight, view.current, a.overscan);
      if (next?.[0] === a.drawn?.[0] && next?.[1] === a.drawn?.[1]) return;
      if (sync) flushSync(redraw);
      else redraw();
    };
    const onScroll = () => look(true);
    el.addEventListener('scroll', onScroll, { passive: true });
    const resized = new ResizeObserver(() => look(false));
    resized.observe(el);
    look(false);
    return () => {
      el.removeEventListener('scroll', onScroll);
      resized.disconnect();
    };
  }, [scroller]);

  const rows: WindowRow[] = [];
  if (drawn)
    for (let i = drawn[0]; i <= drawn[1]; i++) rows.push({ index: i, start: i * rowHeight, end: (i + 1) * rowHeight });
  return {
    rows,
    totalSize: Math.max(0, count) * rowHeight,
    scrollToIndex: (index, align = 'auto') => {
      const el = scroller.current;
      if (!el) return;
      // The rows show below the sticky header: the height they have is the scroller's less the header's.
      // Measured from the rows' top, scrollTop is then the first row's offset under the header, and a row
      // is wholly in view between it and it plus that height. (Without the header, a row brought into
      // view from below stopped under the bottom edge, 30 Nov 2026: row 31 selected, rows 6-30 in view.)
      const current = { top: el.scrollTop, height: el.clientHeight - headerHeight(header) };
      const top = scrollTopFor(index, align, count, rowHeight, current, el.scrollHeight - el.clientHeight);
      if (top !== null && top !== current.top) el.scrollTo({ top });
    },
  };
}
