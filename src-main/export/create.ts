import { createHash, randomBytes, sign } from 'node:crypto';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../../src-shared/result';
import { canonicalJson } from '../audit/canonical-json';
import type { ReadableDB } from '../store/db';
import { localDisplayNames } from '../ivms101/display-names';
import { csvRow } from './csv';
import { ReportPdf, type ReportCase } from './report-pdf';
import { selectionWhere, type ExportSelection } from './selection';
import type { SigningKey } from './signing-key';
import { ZipBundleWriter, type WrittenFile } from './zip-writer';

// One export = one ZIP, built from a consistent snapshot of the case database (a read transaction
// on a connection of its own), written to a hidden temporary file beside the target and renamed
// into place only when complete and signed. Cancelled or failed, the temporary file is removed.

export const EXPORT_FORMAT = 'waybill-audit-export/1';
const PAGE = 500;

export interface ExportProgress {
  phase: 'cases.csv' | 'cases.jsonl' | 'decisions.csv' | 'evaluations.jsonl' | 'correspondence.jsonl' | 'attachments' | 'purged.csv' | 'audit.jsonl' | 'report.pdf' | 'signing';
  done: number;
  total: number;
}

export interface ExportOptions {
  selection: ExportSelection;
  out: string;
  key: SigningKey;
  software: { name: string; version: string };
  homeJurisdiction: string;
  now?: Date;
  signal?: AbortSignal;
  onProgress?: (p: ExportProgress) => void;
}

export interface ExportResult {
  out: string;
  publicKeyFile: string;
  manifestSha256: string;
  fingerprint: string;
  counts: Manifest['counts'];
}

export interface Manifest {
  format: string;
  createdAt: string;
  software: { name: string; version: string };
  workstation: { publicKeyFingerprint: string; homeJurisdiction: string };
  selection: ExportSelection;
  counts: { cases: number; decisions: number; evaluations: number; messages: number; attachments: number; purged: number; auditEvents: number };
  audit: { fromSeq: number; toSeq: number; prevHashOfFirst: string; lastHash: string } | null;
  files: WrittenFile[];
  signature: { algorithm: 'Ed25519'; file: 'manifest.sig'; publicKey: 'public-key.pem'; signs: 'manifest.json' };
}

/** The public key's file beside a bundle: what a regulator is given through a second channel. */
export function publicKeyFileFor(out: string): string {
  return `${out}.pub.pem`;
}

type CaseRow = Record<string, unknown> & { id: string };

export async function createExport(db: ReadableDB, o: ExportOptions): Promise<ExportResult> {
  const now = o.now ?? new Date();
  if (existsSync(o.out)) throw new AppError('conflict', `${o.out} already exists; choose another name (an export never overwrites one).`);
  if (!existsSync(dirname(o.out))) throw new AppError('invalid_input', `${dirname(o.out)} does not exist.`);
  const tmp = join(dirname(o.out), `.${basename(o.out)}.${randomBytes(6).toString('hex')}.partial`);
  const zip = new ZipBundleWriter(tmp, now);
  const onAbort = () => zip.abort(new AppError('cancelled', 'The export was cancelled.'));
  o.signal?.addEventListener('abort', onAbort);
  try {
    db.prepare('BEGIN').run(); // one snapshot for every pass: all files describe the same moment
    try {
      const result = await writeBundle(db, zip, o, now);
      await zip.finish();
      renameSync(tmp, o.out);
      writeFileSync(publicKeyFileFor(o.out), o.key.publicKeyPem, { flag: 'w' });
      return { ...result, out: o.out, publicKeyFile: publicKeyFileFor(o.out) };
    } finally {
      db.prepare('COMMIT').run();
    }
  } catch (e) {
    zip.abort(e instanceof Error ? e : new Error(String(e)));
    rmSync(tmp, { force: true });
    if (o.signal?.aborted) throw new AppError('cancelled', 'The export was cancelled; no file was left behind.');
    throw e;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
}

async function writeBundle(db: ReadableDB, zip: ZipBundleWriter, o: ExportOptions, now: Date): Promise<Omit<ExportResult, 'out' | 'publicKeyFile'>> {
  const where = selectionWhere(o.selection);
  const total = (db.prepare(`SELECT count(*) AS n FROM cases c WHERE ${where.sql}`).get(where.params) as { n: number }).n;
  const checkAbort = () => {
    if (o.signal?.aborted) throw new AppError('cancelled', 'The export was cancelled.');
  };

  const pageStmt = db.prepare(
    `SELECT c.*, h.reason AS hold_reason FROM cases c LEFT JOIN legal_holds h ON h.case_id = c.id
     WHERE ${where.sql} AND c.id > @after ORDER BY c.id LIMIT ${PAGE}`,
  );
  /** Every pass walks the selection in id order, a page at a time. */
  async function eachPage(phase: ExportProgress['phase'], fn: (rows: CaseRow[]) => Promise<void>): Promise<void> {
    let after = '';
    let done = 0;
    o.onProgress?.({ phase, done, total });
    for (;;) {
      checkAbort();
      const rows = pageStmt.all({ ...where.params, after }) as CaseRow[];
      if (rows.length === 0) break;
      await fn(rows);
      done += rows.length;
      after = rows[rows.length - 1]!.id;
      o.onProgress?.({ phase, done, total });
    }
  }
  const ids = (rows: CaseRow[]) => rows.map((r) => r.id);
  const inList = (n: number) => Array.from({ length: n }, () => '?').join(',');
  const decisionsFor = (rows: CaseRow[]) =>
    db
      .prepare(`SELECT * FROM decisions WHERE case_id IN (${inList(rows.length)}) ORDER BY case_id, decided_at, id`)
      .all(...ids(rows)) as Record<string, unknown>[];
  const checksFor = (rows: CaseRow[]) =>
    db
      .prepare(`SELECT * FROM case_checks WHERE case_id IN (${inList(rows.length)}) ORDER BY case_id, check_name`)
      .all(...ids(rows)) as Record<string, unknown>[];
  const groupBy = (list: Record<string, unknown>[]) => groupByKey(list, 'case_id') as Map<string, Record<string, unknown>[]>;
  const mailFor = (rows: CaseRow[]) =>
    db
      .prepare(`SELECT case_id, direction, subject, state, coalesce(sent_at, received_at, created_at) AS at FROM mail_messages WHERE case_id IN (${inList(rows.length)}) ORDER BY case_id, created_at, id`)
      .all(...ids(rows)) as Record<string, unknown>[];

  const counts = { cases: total, decisions: 0, evaluations: 0, messages: 0, attachments: 0, purged: 0, auditEvents: 0 };
  // The report's summary figures, tallied during the first pass: GROUP BY queries over a million
  // rows would build their sorters in memory (temp_store is memory: nothing decrypted touches disk).
  const tally = { status: new Map<string, number>(), direction: new Map<string, number>(), travel_rule: new Map<string, number>(), ivms101: new Map<string, number>(), screening: new Map<string, number>() };
  const bump = (m: Map<string, number>, k: string | undefined | null) => m.set(k ?? '(none)', (m.get(k ?? '(none)') ?? 0) + 1);

  // cases.csv: one row per case, what a spreadsheet user needs; the checks' outcomes inline.
  {
    const f = zip.entry('cases.csv');
    await f.text(
      csvRow(['case_id', 'direction', 'status', 'asset', 'network', 'amount', 'fiat_amount', 'fiat_currency', 'transfer_time', 'originator_name', 'originator_wallet', 'beneficiary_name', 'beneficiary_wallet', 'wallet_type', 'counterparty_vasp_id', 'counterparty_name', 'counterparty_jurisdiction', 'risk_score', 'tx_hash', 'travel_rule', 'ivms101', 'screening', 'legal_hold', 'version', 'updated_at']),
    );
    await eachPage('cases.csv', async (rows) => {
      const checks = groupBy(checksFor(rows));
      for (const r of rows) {
        const outcome = (name: string) => (checks.get(r.id) ?? []).find((k) => k.check_name === name)?.outcome as string | undefined;
        bump(tally.status, r.status as string);
        bump(tally.direction, r.direction as string);
        bump(tally.travel_rule, outcome('travel_rule'));
        bump(tally.ivms101, outcome('ivms101'));
        bump(tally.screening, outcome('screening'));
        await f.text(
          csvRow([r.id, r.direction as string, r.status as string, r.asset as string, r.network as string, r.amount as string, r.fiat_amount as string | null, r.fiat_currency as string | null, r.transfer_time as string, r.originator_name as string | null, r.originator_wallet as string, r.beneficiary_name as string | null, r.beneficiary_wallet as string, r.wallet_type as string, r.counterparty_vasp_id as string | null, r.counterparty_name as string | null, r.counterparty_jurisdiction as string | null, r.risk_score as number | null, r.tx_hash as string | null, outcome('travel_rule'), outcome('ivms101'), outcome('screening'), r.hold_reason ? 'yes' : 'no', r.version as number, r.updated_at as string]),
        );
      }
    });
    await f.end();
  }

  // cases.jsonl: the full record, IVMS101 payload and backend AML results as received.
  {
    const f = zip.entry('cases.jsonl');
    await eachPage('cases.jsonl', async (rows) => {
      for (const r of rows) {
        const record = {
          id: r.id,
          direction: r.direction,
          status: r.status,
          asset: r.asset,
          network: r.network,
          amount: r.amount,
          fiatValue: r.fiat_amount ? { amount: r.fiat_amount, currency: r.fiat_currency } : null,
          transferTime: r.transfer_time,
          originatorWallet: r.originator_wallet,
          beneficiaryWallet: r.beneficiary_wallet,
          walletType: r.wallet_type,
          counterparty: r.counterparty ? (JSON.parse(r.counterparty as string) as unknown) : null,
          ivms101: JSON.parse(r.ivms101 as string) as unknown,
          aml: r.aml ? (JSON.parse(r.aml as string) as unknown) : null,
          txHash: r.tx_hash,
          version: r.version,
          createdAt: r.created_at,
          updatedAt: r.updated_at,
          receivedAt: r.received_at,
          legalHold: r.hold_reason ? { reason: r.hold_reason } : null,
        };
        await f.text(canonicalJson(record) + '\n');
      }
    });
    await f.end();
  }

  // decisions.csv: every decision on a selected case, with who, when, why, and whether it reached the backend.
  {
    const f = zip.entry('decisions.csv');
    await f.text(csvRow(['decision_id', 'case_id', 'kind', 'reason_codes', 'note', 'analyst', 'case_version', 'decided_at', 'sync_state']));
    await eachPage('decisions.csv', async (rows) => {
      for (const d of decisionsFor(rows)) {
        counts.decisions++;
        const reasons = (JSON.parse(d.reason_codes as string) as string[]).join(';');
        await f.text(csvRow([d.id as string, d.case_id as string, d.kind as string, reasons, d.note as string | null, d.analyst as string, d.case_version as number, d.decided_at as string, d.sync_state as string]));
      }
    });
    await f.end();
  }

  // evaluations.jsonl: each stored check with its full result (rule versions, FX rate and time, hits).
  {
    const f = zip.entry('evaluations.jsonl');
    await eachPage('evaluations.jsonl', async (rows) => {
      for (const k of checksFor(rows)) {
        counts.evaluations++;
        await f.text(
          canonicalJson({
            caseId: k.case_id,
            check: k.check_name,
            outcome: k.outcome,
            summary: k.summary,
            result: JSON.parse(k.result as string) as unknown,
            inputsDigest: k.inputs_digest,
            engineVersion: k.engine_version,
            computedAt: k.computed_at,
          }) + '\n',
        );
      }
    });
    await f.end();
  }

  // correspondence.jsonl: every e-mail on a selected case, both directions, as stored, with each
  // attachment's name, type, size and SHA-256. The attachments follow as attachments/<sha256>, one
  // file per distinct content: the name is the hash, so each is checked by its own name too.
  {
    const f = zip.entry('correspondence.jsonl');
    const page = db.prepare(
      `SELECT m.* FROM mail_messages m JOIN cases c ON c.id = m.case_id WHERE ${where.sql} AND m.id > @after ORDER BY m.id LIMIT ${PAGE}`,
    );
    let after = 0;
    o.onProgress?.({ phase: 'correspondence.jsonl', done: 0, total: 0 });
    for (;;) {
      checkAbort();
      const messages = page.all({ ...where.params, after }) as Record<string, unknown>[];
      if (messages.length === 0) break;
      const attachments = groupByKey(
        db
          .prepare(`SELECT message_id, filename, content_type, size, sha256, content IS NOT NULL AS stored FROM mail_attachments WHERE message_id IN (${inList(messages.length)}) ORDER BY message_id, id`)
          .all(...messages.map((m) => m.id)) as Record<string, unknown>[],
        'message_id',
      );
      for (const m of messages) {
        counts.messages++;
        await f.text(
          canonicalJson({
            caseId: m.case_id,
            direction: m.direction,
            kind: m.kind,
            messageId: m.message_id,
            inReplyTo: m.in_reply_to,
            references: m.refs ? (JSON.parse(m.refs as string) as unknown) : [],
            subject: m.subject,
            from: m.from_addr,
            to: m.to_addr,
            bodyText: m.body_text,
            bodyHtml: m.body_html,
            encrypted: m.encrypted === 1,
            state: m.state,
            createdAt: m.created_at,
            sentAt: m.sent_at,
            receivedAt: m.received_at,
            attachments: (attachments.get(m.id as number) ?? []).map((a) => ({
              filename: a.filename,
              contentType: a.content_type,
              size: a.size,
              sha256: a.sha256,
              file: a.stored === 1 ? `attachments/${a.sha256 as string}` : null, // over the size limit: hash only
            })),
          }) + '\n',
        );
      }
      after = messages[messages.length - 1]!.id as number;
      o.onProgress?.({ phase: 'correspondence.jsonl', done: counts.messages, total: 0 });
    }
    await f.end();

    // Hashes a page at a time (no content in the sort), then each content by its row id: one
    // attachment (up to the 10 MB limit) in memory at a time.
    const hashes = db.prepare(
      `SELECT a.sha256, min(a.id) AS id FROM mail_attachments a JOIN mail_messages m ON m.id = a.message_id JOIN cases c ON c.id = m.case_id
       WHERE ${where.sql} AND a.content IS NOT NULL AND a.sha256 > @after GROUP BY a.sha256 ORDER BY a.sha256 LIMIT ${PAGE}`,
    );
    const content = db.prepare('SELECT content FROM mail_attachments WHERE id = ?').pluck();
    let last = '';
    for (;;) {
      const batch = hashes.all({ ...where.params, after: last }) as { sha256: string; id: number }[];
      if (batch.length === 0) break;
      for (const a of batch) {
        checkAbort();
        await zip.addBuffer(`attachments/${a.sha256}`, content.get(a.id) as Buffer);
        counts.attachments++;
        o.onProgress?.({ phase: 'attachments', done: counts.attachments, total: 0 });
      }
      last = batch[batch.length - 1]!.sha256;
    }
  }

  // purged.csv: cases in the range whose personal data was removed at the end of their retention.
  {
    const f = zip.entry('purged.csv');
    o.onProgress?.({ phase: 'purged.csv', done: 0, total: 0 });
    await f.text(csvRow(['case_id', 'direction', 'status', 'counterparty_jurisdiction', 'transfer_time', 'record_date', 'retention_years', 'expired_on', 'decision_kind', 'decided_at', 'removed_sha256', 'purged_at', 'audit_seq']));
    const tw = where.sql.replace(/c\.status/g, 't.status').replace(/c\./g, 't.');
    for (const t of db.prepare(`SELECT * FROM retention_tombstones t WHERE ${tw} ORDER BY case_id`).iterate(where.params) as IterableIterator<Record<string, unknown>>) {
      counts.purged++;
      f.writeNow(Buffer.from(csvRow([t.case_id as string, t.direction as string, t.status as string, t.counterparty_jurisdiction as string | null, t.transfer_time as string, t.record_date as string, t.retention_years as number, t.expired_on as string, t.decision_kind as string | null, t.decided_at as string | null, t.removed_digest as string, t.purged_at as string, t.audit_seq as number])));
    }
    await f.end();
  }

  // audit.jsonl: a contiguous stretch of the hash chain, from the first event about a selected case
  // to the newest event. Events about other cases keep their header and payload digest (so every
  // link can be checked) but not their payload.
  let audit: Manifest['audit'] = null;
  {
    const f = zip.entry('audit.jsonl');
    const head = db.prepare('SELECT max(seq) AS seq FROM audit_events').get() as { seq: number | null };
    const first = db.prepare(`SELECT min(e.seq) AS seq FROM audit_events e JOIN cases c ON c.id = e.case_id WHERE ${where.sql}`).get(where.params) as { seq: number | null };
    if (head.seq !== null) {
      const fromSeq = first.seq ?? head.seq;
      const stmt = db.prepare(
        `SELECT e.seq, e.at, e.actor, e.action, e.case_id AS caseId, e.payload, e.payload_digest AS payloadDigest, e.prev_hash AS prevHash, e.hash,
                (e.case_id IS NULL OR EXISTS (SELECT 1 FROM cases c WHERE c.id = e.case_id AND ${where.sql})) AS included
         FROM audit_events e WHERE e.seq >= @after AND e.seq <= @to ORDER BY e.seq LIMIT 2000`,
      );
      let after = fromSeq;
      let prevHashOfFirst = '';
      let lastHash = '';
      o.onProgress?.({ phase: 'audit.jsonl', done: 0, total: head.seq - fromSeq + 1 });
      for (;;) {
        checkAbort();
        const rows = stmt.all({ ...where.params, after, to: head.seq }) as (Record<string, unknown> & { seq: number; included: number })[];
        if (rows.length === 0) break;
        for (const e of rows) {
          if (!prevHashOfFirst) prevHashOfFirst = e.prevHash as string;
          lastHash = e.hash as string;
          counts.auditEvents++;
          const { included, payload, ...header } = e;
          await f.text(canonicalJson({ ...header, payload: included ? payload : null, redacted: !included }) + '\n');
        }
        after = rows[rows.length - 1]!.seq + 1;
        o.onProgress?.({ phase: 'audit.jsonl', done: counts.auditEvents, total: head.seq - fromSeq + 1 });
      }
      audit = { fromSeq, toSeq: head.seq, prevHashOfFirst, lastHash };
    }
    await f.end();
  }

  // report.pdf: summary figures, then one section per case.
  {
    const pdf = new ReportPdf(zip.entry('report.pdf'), { title: 'Waybill audit export', createdAt: now });
    const s = o.selection;
    pdf.heading('Waybill audit export');
    pdf.table([
      ['Created', now.toISOString()],
      ['Software', `${o.software.name} ${o.software.version}`],
      ['Workstation key', o.key.fingerprint],
      ['Home jurisdiction', o.homeJurisdiction],
      ['Transfers from', `${s.from} to ${s.to} (UTC, inclusive)`],
      ['Counterparty jurisdiction', s.jurisdiction ?? 'all'],
      ['Direction', s.direction ?? 'all'],
      ['Status', s.status ?? 'all'],
    ]);
    pdf.line('manifest.json, signed in manifest.sig, is the authoritative record of this bundle; this report is a readable view of the same data (free-text notes are shortened here; decisions.csv holds them in full).', { gap: 0.5, wrap: true });
    pdf.heading('Summary');
    const rowsOf = (m: Map<string, number>) => [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => [k.replace(/_/g, ' '), n.toLocaleString('en-US')] as [string, string]);
    pdf.table([['Cases', total.toLocaleString('en-US')], ['Decisions', counts.decisions.toLocaleString('en-US')], ['Purged at end of retention', counts.purged.toLocaleString('en-US')]]);
    pdf.line('By status', { bold: true });
    pdf.table(rowsOf(tally.status));
    pdf.line('By direction', { bold: true });
    pdf.table(rowsOf(tally.direction));
    for (const [name, label] of [['travel_rule', 'Travel Rule evaluation'], ['ivms101', 'IVMS101 validation'], ['screening', 'Sanctions screening']] as const) {
      pdf.line(label, { bold: true });
      pdf.table(rowsOf(tally[name]));
    }
    pdf.heading('Cases');
    await eachPage('report.pdf', async (rows) => {
      const checks = groupBy(checksFor(rows));
      const decisions = groupBy(decisionsFor(rows));
      const mail = groupBy(mailFor(rows));
      for (const r of rows) pdf.caseSection(reportCase(r, checks.get(r.id) ?? [], decisions.get(r.id) ?? [], mail.get(r.id) ?? []));
      await pdf.drained();
    });
    await pdf.end();
  }

  o.onProgress?.({ phase: 'signing', done: 0, total: 1 });
  await zip.addBuffer('public-key.pem', Buffer.from(o.key.publicKeyPem, 'utf8'));
  const manifest: Manifest = {
    format: EXPORT_FORMAT,
    createdAt: now.toISOString(),
    software: o.software,
    workstation: { publicKeyFingerprint: o.key.fingerprint, homeJurisdiction: o.homeJurisdiction },
    selection: o.selection,
    counts,
    audit,
    files: [...zip.written],
    signature: { algorithm: 'Ed25519', file: 'manifest.sig', publicKey: 'public-key.pem', signs: 'manifest.json' },
  };
  const manifestBytes = Buffer.from(manifestJson(manifest), 'utf8');
  const signature = sign(null, manifestBytes, o.key.privateKey);
  await zip.addBuffer('manifest.json', manifestBytes);
  await zip.addBuffer('manifest.sig', signature);
  o.onProgress?.({ phase: 'signing', done: 1, total: 1 });
  return { manifestSha256: createHash('sha256').update(manifestBytes).digest('hex'), fingerprint: o.key.fingerprint, counts };
}

/**
 * Pretty-printed, keys sorted, one file per line: readable in any editor, and a shell can pull
 * "path" and "sha256" off each line for `sha256sum -c` (the README shows how).
 */
export function manifestJson(m: Manifest): string {
  const { files, ...rest } = m;
  const sorted = JSON.parse(canonicalJson(rest)) as Record<string, unknown>;
  const body = JSON.stringify(sorted, null, 2).replace(/\n}$/, '');
  const fileLines = files.map((f) => `    ${canonicalJson(f).replace(/":/g, '": ').replace(/,"/g, ', "')}`).join(',\n');
  return `${body},\n  "files": [\n${fileLines}\n  ]\n}\n`;
}

function withLocal(name: string | null, local: string | null): string | null {
  return local && local !== name ? `${name ?? '(no name)'} / ${local}` : name;
}

function groupByKey(list: Record<string, unknown>[], key: string): Map<unknown, Record<string, unknown>[]> {
  const m = new Map<unknown, Record<string, unknown>[]>();
  for (const r of list) {
    const group = m.get(r[key]);
    if (group) group.push(r);
    else m.set(r[key], [r]);
  }
  return m;
}

function reportCase(r: CaseRow, checks: Record<string, unknown>[], decisions: Record<string, unknown>[], mail: Record<string, unknown>[]): ReportCase {
  const local = localDisplayNames(JSON.parse(r.ivms101 as string));
  const cp = r.counterparty ? (JSON.parse(r.counterparty as string) as { name?: string; jurisdiction?: string; protocol?: string }) : null;
  return {
    id: r.id,
    direction: r.direction as string,
    status: r.status as string,
    asset: r.asset as string,
    network: r.network as string,
    amount: r.amount as string,
    fiat: r.fiat_amount ? `${r.fiat_amount as string} ${r.fiat_currency as string}` : null,
    transferTime: r.transfer_time as string,
    originatorName: withLocal(r.originator_name as string | null, local.originator),
    originatorWallet: r.originator_wallet as string,
    beneficiaryName: withLocal(r.beneficiary_name as string | null, local.beneficiary),
    beneficiaryWallet: r.beneficiary_wallet as string,
    walletType: r.wallet_type as string,
    counterparty: cp ? `${cp.name ?? '(unnamed)'} (${cp.jurisdiction ?? '??'}, ${cp.protocol ?? 'no protocol'})` : null,
    checks: checks.map((k) => ({ name: (k.check_name as string).replace(/_/g, ' '), outcome: (k.outcome as string).replace(/_/g, ' '), summary: k.summary as string })),
    decisions: decisions.map((d) => ({ kind: d.kind as string, analyst: d.analyst as string, decidedAt: d.decided_at as string, reasonCodes: JSON.parse(d.reason_codes as string) as string[], note: d.note as string | null })),
    mail: mail.map((x) => ({ direction: x.direction as 'in' | 'out', at: x.at as string, subject: x.subject as string, state: x.state as string })),
    legalHold: Boolean(r.hold_reason),
  };
}
