import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { coalesce } from './coalesce';

describe('coalesce', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const settle = () => vi.advanceTimersByTimeAsync(0);

  it('runs the first call at once, and a burst during the gap as one run at its end', async () => {
    const runs: number[] = [];
    const c = coalesce(() => void runs.push(Date.now()), 500);
    const t0 = Date.now();
    c();
    await settle();
    expect(runs).toEqual([t0]);
    for (let i = 0; i < 20; i++) {
      await vi.advanceTimersByTimeAsync(20);
      c();
    }
    expect(runs).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toEqual([t0, t0 + 500]);
    // Nothing more was asked: nothing more runs.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(runs).toHaveLength(2);
  });

  it('never runs twice at once, and a call during a run gets a run after it', async () => {
    let active = 0;
    let most = 0;
    let finish: (() => void) | null = null;
    let runs = 0;
    const c = coalesce(() => {
      runs++;
      active++;
      most = Math.max(most, active);
      return new Promise<void>((ok) => {
        finish = () => {
          active--;
          ok();
        };
      });
    }, 100);
    c();
    await settle();
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000); // the run is slow: far past the gap
    c();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toBe(1); // waits for the run before
    finish!();
    await settle();
    expect(runs).toBe(2); // the call made during it
    finish!();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toBe(2);
    expect(most).toBe(1);
  });

  it('goes on after a run that fails', async () => {
    let runs = 0;
    const c = coalesce(() => {
      runs++;
      return Promise.reject(new Error('the core is gone'));
    }, 100);
    c();
    await settle();
    c();
    await vi.advanceTimersByTimeAsync(200);
    expect(runs).toBe(2);
  });
});
