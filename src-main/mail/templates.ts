import { z } from 'zod';
import { AppError } from '../../src-shared/result';
import type { ReadableDB, WritableDB } from '../store/db';
import { readSetting, writeSetting } from '../store/settings';

// The letters Waybill writes. Admins may edit them; they are rendered per case, in plain text and in
// HTML (escaped: a value never becomes markup). A subject may use only {{ref}} and {{caseId}}: no
// personal data ever travels in a subject line, which mail servers log and index in clear.

export const TEMPLATE_KINDS = ['data_notice', 'info_request', 'decision_notice', 'tx_hash_forward'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];
export const SUBJECT_VARIABLES = ['ref', 'caseId'] as const;
export const BODY_VARIABLES = [
  'ref',
  'caseId',
  'counterparty',
  'ourName',
  'asset',
  'amount',
  'network',
  'transferDate',
  'direction',
  'missing',
  'decision',
  'reasons',
  'note',
  'txHash',
  'data',
] as const;

export interface Template {
  subject: string;
  body: string;
}

export const DEFAULT_TEMPLATES: Record<TemplateKind, Template> = {
  data_notice: {
    subject: 'Travel Rule information for a transfer {{ref}}',
    body: `Dear {{counterparty}} compliance team,

Under the Travel Rule we send you the originator and beneficiary information for the transfer below.

Transfer: {{amount}} {{asset}} on {{network}}, {{transferDate}} (UTC)

{{data}}

Please confirm whether you accept this transfer by replying to this message (keep the reference in the subject).

Kind regards,
{{ourName}}`,
  },
  info_request: {
    subject: 'Request for missing Travel Rule information {{ref}}',
    body: `Dear {{counterparty}} compliance team,

For the transfer of {{amount}} {{asset}} on {{network}} on {{transferDate}} (UTC) we need the following before we can process it:

{{missing}}

{{note}}

Please reply to this message (keep the reference in the subject).

Kind regards,
{{ourName}}`,
  },
  decision_notice: {
    subject: 'Our decision on a Travel Rule transfer {{ref}}',
    body: `Dear {{counterparty}} compliance team,

Our decision on the transfer of {{amount}} {{asset}} on {{network}} on {{transferDate}} (UTC): {{decision}}.
Reasons: {{reasons}}

{{note}}

Kind regards,
{{ourName}}`,
  },
  tx_hash_forward: {
    subject: 'Transaction hash for a Travel Rule transfer {{ref}}',
    body: `Dear {{counterparty}} compliance team,

The transfer of {{amount}} {{asset}} on {{network}} you approved has been sent on chain.
Transaction hash: {{txHash}}

Kind regards,
{{ourName}}`,
  },
};

const templateSchema = z.object({ subject: z.string().min(1).max(200), body: z.string().min(1).max(20_000) }).strict();

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([A-Za-z]+)\s*\}\}/g)].map((m) => m[1]!);
}

export function validateTemplate(kind: string, t: unknown): Template {
  if (!(TEMPLATE_KINDS as readonly string[]).includes(kind))
    throw new AppError('invalid_input', `No template called ${kind}.`);
  const r = templateSchema.safeParse(t);
  if (!r.success)
    throw new AppError(
      'invalid_input',
      `Template ${kind}: ${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message}.`,
    );
  const badSubject = placeholders(r.data.subject).filter((v) => !(SUBJECT_VARIABLES as readonly string[]).includes(v));
  if (badSubject.length)
    throw new AppError(
      'invalid_input',
      `Template ${kind}: the subject may use only {{ref}} and {{caseId}}, not {{${badSubject[0]}}}: personal data never goes in a subject.`,
    );
  if (!placeholders(r.data.subject).includes('ref'))
    throw new AppError(
      'invalid_input',
      `Template ${kind}: the subject must carry {{ref}}, so replies find their case.`,
    );
  const badBody = placeholders(r.data.body).filter((v) => !(BODY_VARIABLES as readonly string[]).includes(v));
  if (badBody.length)
    throw new AppError('invalid_input', `Template ${kind}: unknown variable {{${badBody[0]}}} in the body.`);
  return r.data;
}

export function templates(db: ReadableDB): Record<TemplateKind, Template> {
  const saved = (readSetting(db, 'mail.templates') ?? {}) as Partial<Record<TemplateKind, Template>>;
  return { ...DEFAULT_TEMPLATES, ...saved };
}

export function saveTemplate(db: WritableDB, kind: string, t: unknown): Record<TemplateKind, Template> {
  const valid = validateTemplate(kind, t);
  const next = { ...templates(db), [kind]: valid };
  writeSetting(db, 'mail.templates', next);
  return next;
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function render(
  t: Template,
  vars: Partial<Record<(typeof BODY_VARIABLES)[number], string>>,
): { subject: string; text: string; html: string } {
  const fill = (s: string, esc: (x: string) => string) =>
    s.replace(/\{\{\s*([A-Za-z]+)\s*\}\}/g, (_, k: string) => esc(vars[k as keyof typeof vars] ?? ''));
  const subject = fill(t.subject, (x) => x.replace(/[\r\n]+/g, ' '));
  const text =
    fill(t.body, (x) => x)
      .replace(/\n{3,}/g, '\n\n')
      .trim() + '\n';
  const html = `<!doctype html><html><body>${fill(escapeHtml(t.body), escapeHtml)
    .replace(/\n{3,}/g, '\n\n')
    .trim()
    .split('\n\n')
    .map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`)
    .join('\n')}</body></html>`;
  return { subject, text, html };
}
