import { describe, expect, it } from 'vitest';
import { backoffDelay, MAIL_SEND_BACKOFF, MAILBOX_RECONNECT_BACKOFF, OUTBOX_BACKOFF } from './backoff';

describe('backoffDelay', () => {
  it('doubles from the base with each failure and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => backoffDelay(n, MAILBOX_RECONNECT_BACKOFF))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000,
    ]);
    expect([0, 1, 2, 3, 9].map((n) => backoffDelay(n, MAIL_SEND_BACKOFF))).toEqual([
      15_000, 15_000, 30_000, 60_000, 3_600_000,
    ]);
  });

  it('never overflows, however long an entry has failed', () => {
    expect(backoffDelay(10_000, MAIL_SEND_BACKOFF)).toBe(3_600_000);
    expect(backoffDelay(Number.MAX_SAFE_INTEGER, { baseMs: 1, maxMs: Number.MAX_VALUE })).toBe(2 ** 52);
  });

  it('spreads the delay by ±jitter, inclusive of both ends', () => {
    expect(backoffDelay(3, OUTBOX_BACKOFF, () => 0)).toBe(3000);
    expect(backoffDelay(3, OUTBOX_BACKOFF, () => 0.5)).toBe(4000);
    expect(backoffDelay(3, OUTBOX_BACKOFF, () => 1)).toBe(5000);
    expect(backoffDelay(20, OUTBOX_BACKOFF, () => 1)).toBe(375_000); // the cap, then the spread
  });
});
