// One formula for every retry in Waybill (the sync outbox, mail delivery, the mailbox connection):
// the delay doubles from `baseMs` with each failed attempt up to `maxMs`, optionally spread by
// ±jitter so many workstations that failed together do not retry together.

export interface BackoffPolicy {
  /** The delay after the first failure. */
  baseMs: number;
  /** The longest delay. */
  maxMs: number;
  /** Spread each delay by up to ±this fraction (0.25: between 75 % and 125 %). None when absent. */
  jitter?: number;
}

/** The sync outbox: 1 s doubling to five minutes, ±25 %. */
export const OUTBOX_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 300_000, jitter: 0.25 };
/** An e-mail that certainly did not leave: 15 s doubling to an hour. */
export const MAIL_SEND_BACKOFF: BackoffPolicy = { baseMs: 15_000, maxMs: 3_600_000 };
/** Reconnecting to the mailbox for IDLE: 1 s doubling to a minute. */
export const MAILBOX_RECONNECT_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 60_000 };

/**
 * The delay before the next attempt after `failures` failed ones in a row (1 = the first failure).
 * `random` is injectable so a test can pin the jitter.
 */
export function backoffDelay(failures: number, p: BackoffPolicy, random: () => number = Math.random): number {
  // The exponent is capped so a long-failing entry cannot overflow to Infinity.
  const doublings = Math.min(Math.max(0, Math.floor(failures) - 1), 52);
  const delay = Math.min(p.maxMs, p.baseMs * 2 ** doublings);
  if (!p.jitter) return delay;
  return delay * (1 - p.jitter + random() * 2 * p.jitter);
}
