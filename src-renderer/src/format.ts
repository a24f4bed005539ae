// Words for codes: what the analyst reads instead of identifiers.

export const STATUS_LABEL: Record<string, string> = {
  pending_review: 'Pending review',
  escalated: 'Escalated',
  needs_information: 'Needs information',
  accepted: 'Accepted',
  rejected: 'Rejected',
  awaiting_counterparty: 'Awaiting counterparty',
  awaiting_email_reply: 'Awaiting e-mail reply',
  counterparty_approved: 'Counterparty approved',
  counterparty_rejected: 'Counterparty rejected',
  awaiting_tx_hash: 'Awaiting tx hash',
  completed: 'Completed',
  expired: 'Expired',
  canceled: 'Canceled',
};

export const IVMS_LABEL: Record<string, string> = {
  pass: 'Valid',
  incomplete: 'Incomplete',
  invalid: 'Invalid',
  unreadable: 'Unreadable',
};
export const TRAVEL_LABEL: Record<string, string> = {
  applies: 'Applies',
  below_threshold: 'Below threshold',
  not_required: 'Not required',
  prohibited: 'Red flag: VASP activity prohibited',
  cannot_evaluate: 'Cannot evaluate',
};
export const SCREENING_LABEL: Record<string, string> = {
  clear: 'Clear',
  potential_match: 'Potential match',
  true_match: 'TRUE MATCH',
  not_screened: 'Not screened',
};
export const KIND_LABEL: Record<string, string> = {
  accept: 'Accept',
  reject: 'Reject',
  request_information: 'Request information',
};
export const SYNC_LABEL: Record<string, string> = {
  pending: 'Waiting to sync',
  acked: 'Synced',
  conflict: 'Conflict',
  rejected: 'Refused by backend',
};

/** "2026-11-20T10:31:07.123Z" → "2026-11-20 10:31" (UTC, as stored: analysts across time zones compare like with like). */
export const time = (iso: string | null | undefined, seconds = false) =>
  iso ? iso.replace('T', ' ').slice(0, seconds ? 19 : 16) : '—';
export const human = (code: string) => code.replace(/_/g, ' ');
export const count = (n: number) => n.toLocaleString('en-US');
/** "1 case", "2 cases": the count with the noun agreeing (English plurals; pass the irregular ones). */
export const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;
