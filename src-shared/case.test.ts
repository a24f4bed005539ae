import { describe, expect, it } from 'vitest';
import { caseRecordSchema } from './case';

describe('case times', () => {
  const base = {
    id: 'c1',
    direction: 'deposit',
    status: 'pending_review',
    asset: 'BTC',
    network: 'bitcoin',
    amount: '0.5',
    transferTime: '2026-03-01T00:00:00Z',
    originatorWallet: 'bc1qexample',
    beneficiaryWallet: 'bc1qother',
    walletType: 'hosted',
    counterparty: null,
    ivms101: {},
    txHash: null,
    version: 1,
    createdAt: '2026-03-01T00:00:00Z',
    updatedAt: '2026-03-01T00:00:00Z',
  };
  it('are taken in with any offset and kept as UTC in one form', () => {
    const c = caseRecordSchema.parse({
      ...base,
      transferTime: '2026-03-01T01:30:00+02:00',
      createdAt: '2026-03-01T00:00:00Z',
      updatedAt: '2026-02-28T23:59:59.5-05:00',
    });
    expect(c.transferTime).toBe('2026-02-28T23:30:00.000Z');
    expect(c.createdAt).toBe('2026-03-01T00:00:00.000Z');
    expect(c.updatedAt).toBe('2026-03-01T04:59:59.500Z');
  });
  it('refuse a time without an offset, naming the field', () => {
    const r = caseRecordSchema.safeParse({ ...base, transferTime: '2026-03-01T01:30:00' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['transferTime']);
  });
});
