import { describe, expect, it } from 'vitest';
import type { AuditRow } from './rows';
import { FormatPool, InOrder } from './pool';
import type { FormatJob, Formatted } from './format';

// Issue 21, peak RSS: the batches of one file wait on the workers at most one a worker, whatever the
// file's size; taken in the order submitted. Real worker threads (from source here, through tsx's
// require hook), real batches.

const events = (from: number): AuditRow[] =>
  Array.from({ length: 500 }, (_, i) => ({
    seq: from + i,
    at: '2026-10-01T00:00:00Z',
    actor: 'analyst',
    action: 'case.decided',
    caseId: `c${from + i}`,
    payload: JSON.stringify({ n: from + i }),
    payloadDigest: 'd'.repeat(64),
    prevHash: 'p'.repeat(64),
    hash: 'h'.repeat(64),
    included: 1,
  }));

/** A pool that counts the batches handed to its workers and not yet taken. */
class Counted extends FormatPool {
  inFlight = 0;
  most = 0;
  override run(job: FormatJob): Promise<Formatted> {
    this.most = Math.max(this.most, ++this.inFlight);
    return super.run(job);
  }
}

describe('InOrder', () => {
  it('holds at most one batch a worker in flight, and takes them in order', async () => {
    const pool = new Counted(2);
    try {
      expect(pool.size).toBe(2);
      const firstSeq: number[] = [];
      const batches = new InOrder(pool, (out) => {
        pool.inFlight--;
        const text = Buffer.from(out.chunks[0]!.raw).toString('utf8');
        firstSeq.push((JSON.parse(text.slice(0, text.indexOf('\n'))) as { seq: number }).seq);
      });
      for (let b = 0; b < 40; b++) await batches.submit({ kind: 'audit.jsonl', events: events(1 + 500 * b) });
      await batches.flush();
      expect(pool.most).toBe(2);
      expect(pool.inFlight).toBe(0);
      expect(firstSeq).toEqual(Array.from({ length: 40 }, (_, b) => 1 + 500 * b));
    } finally {
      await pool.close();
    }
  });
});
