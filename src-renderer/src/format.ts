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
/** "12,345": a count grouped in the analyst's locale (one formatter: toLocaleString made one per call, 0.1 ms each). */
export const count = (n: number) => countFormat.format(n);
/** "1 case", "2 cases": the count with the noun agreeing (English plurals; pass the irregular ones). */
export const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

// The analyst's locale for numbers and dates (issue 18 point 6): grouping and separators as they read
// them. Times are labelled with their zone, UTC or local, so nobody mistakes one for the other.
export const LOCALE = typeof navigator !== 'undefined' ? navigator.language : 'en-US';
export const LOCAL_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
const groupFormat = new Intl.NumberFormat(LOCALE, { useGrouping: true });
const countFormat = new Intl.NumberFormat(LOCALE);
const decimalPoint = new Intl.NumberFormat(LOCALE).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';

/** "1234567.891" → "1,234,567.891" (en) or "1.234.567,891" (de): every digit kept, via BigInt. */
export function decimal(value: string | null | undefined): string {
  if (!value) return '—';
  const m = /^(\d+)(?:\.(\d+))?$/.exec(value);
  if (!m) return value;
  const whole = groupFormat.format(BigInt(m[1] ?? '0'));
  return m[2] ? `${whole}${decimalPoint}${m[2]}` : whole;
}

/** A fiat value with its currency, in the locale's way ("€12,345.00", "12.345,00 €"). */
export function money(amount: string | null | undefined, currency: string | null | undefined): string {
  if (!amount) return '—';
  if (!currency || !/^[A-Z]{3}$/.test(currency)) return decimal(amount);
  const format = currencyFormat(currency);
  return format ? format.format(Number(amount)) : `${decimal(amount)} ${currency}`;
}

/**
 * One formatter per currency, made once: building an Intl.NumberFormat per cell was the largest part of
 * rendering a queue page (43 ms of six changes' renders at a million cases). null: a code Intl refuses.
 */
const currencyFormats = new Map<string, Intl.NumberFormat | null>();
function currencyFormat(currency: string): Intl.NumberFormat | null {
  let f = currencyFormats.get(currency);
  if (f === undefined) {
    try {
      f = new Intl.NumberFormat(LOCALE, { style: 'currency', currency });
    } catch {
      f = null;
    }
    currencyFormats.set(currency, f);
  }
  return f;
}

const parts: Intl.DateTimeFormatOptions = {
  year: '2-digit',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
};
const utcFormat = new Intl.DateTimeFormat(LOCALE, { ...parts, timeZone: 'UTC' });
const localFormat = new Intl.DateTimeFormat(LOCALE, parts);

/** A time in UTC or local time, in the locale's format, with its zone named ("long" names the local zone). */
export function zoned(iso: string | null | undefined, zone: 'utc' | 'local', long = false): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return zone === 'utc' ? `${utcFormat.format(d)} UTC` : `${localFormat.format(d)} ${long ? LOCAL_ZONE : 'local'}`;
}

/** "3 h 05 m left", "overdue by 2 d 4 h": what remains of the SLA at `now`. */
export function countdown(dueMs: number, nowMs: number): { text: string; overdue: boolean; soon: boolean } {
  const left = dueMs - nowMs;
  const abs = Math.abs(left);
  const d = Math.floor(abs / 86_400_000);
  const h = Math.floor((abs % 86_400_000) / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  const span = d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${String(m).padStart(2, '0')} m` : `${m} min`;
  return left < 0
    ? { text: `overdue by ${span}`, overdue: true, soon: false }
    : { text: `${span} left`, overdue: false, soon: left < 4 * 3_600_000 };
}
