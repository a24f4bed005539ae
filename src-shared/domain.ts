// The domain's vocabularies, as plain constants (no zod), so the renderer bundle stays small.

export const DIRECTIONS = ['withdrawal', 'deposit'] as const;
export const CASE_STATUSES = [
  'pending_review',
  'escalated',
  'needs_information',
  'accepted',
  'rejected',
  'awaiting_counterparty',
  'awaiting_email_reply',
  'counterparty_approved',
  'counterparty_rejected',
  'awaiting_tx_hash',
  'completed',
  'expired',
  'canceled',
] as const;
export const WALLET_TYPES = ['hosted', 'unhosted'] as const;
export const PROTOCOLS = ['TRP', 'TRISA', 'OpenVASP', 'Sygna', 'email'] as const;
export const QUEUE_SORT_COLUMNS = ['transferTime', 'updatedAt', 'fiatAmount', 'riskScore', 'status', 'asset'] as const;
export const MIN_PASSPHRASE_LENGTH = 12;

export type Direction = (typeof DIRECTIONS)[number];
export type CaseStatus = (typeof CASE_STATUSES)[number];
export type WalletType = (typeof WALLET_TYPES)[number];
export type QueueSortColumn = (typeof QUEUE_SORT_COLUMNS)[number];

/** One row of the queue: what the analyst scans, without the whole IVMS101 payload. */
export interface CaseSummary {
  id: string;
  direction: Direction;
  status: CaseStatus;
  asset: string;
  network: string;
  amount: string;
  fiatAmount: string | null;
  fiatCurrency: string | null;
  originatorName: string | null;
  beneficiaryName: string | null;
  counterpartyName: string | null;
  counterpartyJurisdiction: string | null;
  walletType: WalletType;
  riskScore: number | null;
  transferTime: string;
  updatedAt: string;
  /** The stored IVMS101 check: pass / incomplete / invalid / unreadable, with a one-line summary. */
  ivms101Outcome: string | null;
  ivms101Summary: string | null;
}
