import { z } from 'zod';
import { CASE_STATUSES, DIRECTIONS, PROTOCOLS, WALLET_TYPES } from './domain';

export * from './domain';

// A case as the backend contract carries it (and as `waybill cases generate` writes it).
// Amounts are decimal strings: money never passes through a binary float.

const decimalString = z
  .string()
  .max(40)
  .regex(/^(0|[1-9][0-9]*)(\.[0-9]+)?$/, 'must be a non-negative decimal number written as a string, e.g. "0.015"');
// Any offset is accepted and stored as UTC in one form (what toISOString writes): the store
// compares times as text (sorting, date ranges, retention), which is only right in one form.
const isoTime = z.iso.datetime({ offset: true }).transform((s) => new Date(s).toISOString());
/**
 * Every string in a case's IVMS101 member: at most the longest IVMS101 text datatype (Max512Text), and
 * member names at most 64 characters. The engine judges each field's own Max*Text later (a case with
 * broken IVMS101 is still a case to review); past this bound the case is refused, naming the field.
 */
export const MAX_IVMS101_TEXT = 512;
const MAX_IVMS101_KEY = 64;

function boundIvms101Strings(root: Record<string, unknown>, ctx: z.RefinementCtx): void {
  // Iterative: the member's depth is bounded by the line reader, but a walk here must not rely on it.
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: root, path: [] }];
  let issues = 0;
  while (stack.length && issues < 3) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.length > MAX_IVMS101_TEXT) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `is ${v.length} characters, longer than ${MAX_IVMS101_TEXT} (the longest IVMS101 text, Max512Text)`,
        });
        issues++;
      }
    } else if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, path: [...path, i] }));
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k.length > MAX_IVMS101_KEY) {
          ctx.addIssue({
            code: 'custom',
            path,
            message: `has a member name of ${k.length} characters, longer than ${MAX_IVMS101_KEY}`,
          });
          issues++;
        } else stack.push({ v: x, path: [...path, k] });
      }
    }
  }
}

const countryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code');

export const counterpartySchema = z.object({
  vaspId: z.string().min(1).max(100),
  name: z.string().min(1).max(200),
  jurisdiction: countryCode,
  lei: z.string().max(20).optional(),
  protocol: z.enum(PROTOCOLS),
  email: z.email().max(254).optional(),
  /** Our due diligence on this VASP, as the backend records it. */
  dueDiligence: z.enum(['approved', 'pending_review', 'expired', 'rejected']).optional(),
});

export const amlResultSchema = z.object({
  riskScore: z.number().int().min(0).max(100),
  alerts: z.array(z.string().max(200)).max(50),
  provider: z.string().max(100).optional(),
});

export const caseRecordSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"'),
  direction: z.enum(DIRECTIONS),
  status: z.enum(CASE_STATUSES),
  asset: z.string().regex(/^[A-Z0-9]{2,10}$/),
  network: z.string().min(1).max(40),
  amount: decimalString,
  fiatValue: z.object({ amount: decimalString, currency: z.string().regex(/^[A-Z]{3}$/) }).optional(),
  transferTime: isoTime,
  originatorWallet: z.string().min(1).max(128),
  beneficiaryWallet: z.string().min(1).max(128),
  walletType: z.enum(WALLET_TYPES),
  counterparty: counterpartySchema.nullable(),
  // Validated by the IVMS101 engine, not here: a case with broken IVMS101 is still a case to review.
  ivms101: z.record(z.string(), z.unknown()).superRefine(boundIvms101Strings),
  aml: amlResultSchema.optional(),
  txHash: z.string().max(128).nullable(),
  version: z.number().int().min(1),
  createdAt: isoTime,
  updatedAt: isoTime,
});

export type CaseRecord = z.infer<typeof caseRecordSchema>;
