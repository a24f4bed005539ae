// The domain's vocabularies, as plain constants (no zod), so the renderer bundle stays small.
import type { TravelRuleOutcome } from './checks';

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
export const QUEUE_SORT_COLUMNS = [
  'transferTime',
  'updatedAt',
  'fiatAmount',
  'riskScore',
  'status',
  'asset',
  'arrivedAt',
] as const;
/** The shortest passphrase accepted: the vault's, and an analyst's for four eyes. */
export const MIN_PASSPHRASE_LENGTH = 12;
/** The sanctions lists Waybill reads (src-main/screening/lists). */
export const LIST_SOURCES = ['ofac', 'eu', 'un', 'uk', 'csl'] as const;
export type ListSource = (typeof LIST_SOURCES)[number];
/** Statuses in which a case still waits for the analyst (the SLA clock runs). */
export const OPEN_STATUSES = ['pending_review', 'escalated', 'needs_information'] as const;

/**
 * Reason codes for reject and repair: TRISA's error codes (trisacrypto/trisa errors.proto), which
 * Sygna's BVRC codes map to, so a counterparty on any protocol understands them.
 */
export const REASON_CODES = {
  MISSING_FIELDS: { trisa: 153, label: 'Required fields are missing' },
  INCOMPLETE_IDENTITY: { trisa: 154, label: 'Identity information is incomplete' },
  VALIDATION_ERROR: { trisa: 155, label: 'The IVMS101 data does not validate' },
  UNKNOWN_ORIGINATOR: { trisa: 53, label: 'Originator is not known to the sending VASP' },
  BENEFICIARY_NAME_UNMATCHED: { trisa: 54, label: 'Beneficiary name does not match our customer' },
  COMPLIANCE_CHECK_FAIL: { trisa: 90, label: 'A compliance check failed (e.g. sanctions)' },
  HIGH_RISK: { trisa: 92, label: 'The transfer is too risky to process' },
  CANCELED: { trisa: 199, label: 'Canceled' },
} as const;
export type ReasonCode = keyof typeof REASON_CODES;
export const REASON_CODE_NAMES = Object.keys(REASON_CODES) as ReasonCode[];

/** What the queue can be narrowed to. Every field is optional; all given ones must hold. */
export interface QueueFilter {
  status?: CaseStatus[];
  direction?: Direction;
  jurisdiction?: string;
  counterpartyVaspId?: string;
  asset?: string;
  minRisk?: number;
  /** IVMS101 incomplete, invalid or unreadable. */
  missingFields?: boolean;
  /** A potential or true sanctions match. */
  sanctionsHit?: boolean;
  /** A sanctions hit no analyst has disposed of yet (or a true match waiting for a second analyst). */
  sanctionsAwaiting?: boolean;
  /** Travel Rule outcomes (applies, below_threshold, not_required, prohibited, cannot_evaluate). */
  travelRule?: TravelRuleOutcome[];
  /** Open for longer than the SLA allows, counted from arrival in this workstation. */
  slaBreached?: boolean;
  /** An analyst's name, or "unassigned". */
  assignedTo?: string;
  /** Names, wallets, transaction hash or case id; words are matched as prefixes. */
  search?: string;
}

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
  travelRuleOutcome: string | null;
  screeningOutcome: string | null;
  assignedTo: string | null;
  createdAt: string;
  /** When the case first arrived in this workstation: the SLA runs from here (issue 18 point 12). */
  arrivedAt: string;
  /** A decision recorded here that the backend has not acknowledged yet. */
  waitingToSync: boolean;
  /** A decision waiting for a second analyst. */
  awaitingApproval: boolean;
}
