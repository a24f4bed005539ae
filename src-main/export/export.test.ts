import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases, readZip, withNames, workstationWith, writeZip } from '../../test/support/export';
import { runCli } from '../../test/support/cli';
import { TEST_PASSPHRASE, tempDir } from '../../test/support/temp';
import type { Workstation } from '../app/workstation';
import { recordDecision } from '../cases/decide';
import { addNote } from '../cases/notes';
import { repairCase } from '../cases/repair';
import { getCaseRecord } from '../store/cases';
import { setLegalHold } from '../retention/holds';
import { composeMail } from '../mail/compose';
import { saveMailConfig } from '../mail/config';
import { storeMessage } from '../mail/receive';
import { publicKeyFileFor, type Manifest } from './create';
import { PER_CASE_PDF_MAX_CASES, resolvePdfMode } from './sections';
import { verifyExport } from './verify';

// One workstation with 300 cases over 60 days, a few decided, one on hold, two with names in
// Cyrillic and Chinese; each test exports from it into its own file.
let t: ReturnType<typeof tempDir>;
let ws: Workstation;
let bundle: string;
const all = cases(300);
const RU = all.findIndex(
  (c) => c.ivms101.originator !== undefined && JSON.stringify(c.ivms101).includes('naturalPerson'),
);
all[RU] = withNames(all[RU]!, 'originator', ['Petrov', 'Ivan'], ['Петров', 'Иван']);
all[RU + 1] = withNames(all[RU + 1]!, 'beneficiary', ['Wang', 'Xiaoming'], ['王', '小明']);
let mailCase: string;
const LOOPBACK = { host: '127.0.0.1', secure: false, user: 'u', password: 'p', allowInsecureLoopback: true };
const ATTACHMENT = Buffer.from('Originator address: Tverskaya 1, Moscow\n', 'utf8');
const FROM = '2026-09-21';
const TO = '2026-11-19';

beforeAll(async () => {
  t = tempDir();
  ws = await workstationWith(t.dir, all);
  const db = ws.database();
  const pending = db.prepare("SELECT id FROM cases WHERE status = 'pending_review' ORDER BY id LIMIT 3").all() as {
    id: string;
  }[];
  recordDecision(db, {
    caseId: pending[0]!.id,
    kind: 'reject',
    reasonCodes: ['SANCTIONS_MATCH'],
    note: '=HYPERLINK("http://x","click")',
    analyst: 'analyst-a',
  });
  recordDecision(db, { caseId: pending[1]!.id, kind: 'accept', reasonCodes: [], analyst: 'analyst-b' });
  recordDecision(db, {
    caseId: pending[2]!.id,
    kind: 'request_information',
    reasonCodes: ['MISSING_ORIGINATOR_ADDRESS'],
    note: 'Please send the address',
    analyst: 'analyst-a',
  });
  setLegalHold(db, pending[2]!.id, 'Investigation 2026-17', 'mlro');
  // A request for missing information to a counterparty that speaks no protocol, and its reply with
  // an attachment, through the real compose and receive paths (no server needed for either).
  const inRange = (
    db
      .prepare('SELECT id FROM cases WHERE counterparty LIKE \'%"email"%\' AND transfer_time >= ? ORDER BY id LIMIT 1')
      .get(FROM) as { id: string }
  ).id;
  saveMailConfig(db, {
    smtp: { ...LOOPBACK, port: 2525 },
    imap: { ...LOOPBACK, port: 1143 },
    address: 'compliance@exchange.example',
  });
  const sent = await composeMail(db, {
    caseId: inRange,
    kind: 'info_request',
    note: 'Please send the originator address.',
    actor: 'analyst-a',
  });
  const reply = await new MailComposer({
    from: sent.to,
    to: 'compliance@exchange.example',
    subject: `Re: ${sent.subject}`,
    text: 'Address attached.',
    inReplyTo: sent.messageId,
    references: [sent.messageId],
    attachments: [{ filename: 'address.txt', content: ATTACHMENT }],
  })
    .compile()
    .build();
  expect(
    await storeMessage(db, reply, { uid: 1, uidValidity: '1', actor: 'analyst-a', now: new Date().toISOString() }),
  ).toBe('matched');
  mailCase = inRange;
  // The reply's data put into the record (issue 18, 9) and an internal note on the case (issue 18, 10).
  const received = getCaseRecord(db, inRange)!.ivms101;
  const meta = (received.payloadMetadata ?? {}) as Record<string, unknown>;
  repairCase(
    db,
    {
      caseId: inRange,
      ivms101: { ...received, payloadMetadata: { ...meta, transliterationMethod: ['othr'] } },
      note: 'From their reply',
      analyst: 'analyst-a',
    },
    ws.checkContext(),
  );
  addNote(db, { caseId: inRange, body: '=cmd|"/c calc"!A1 checked with ops', author: 'analyst-a' });
  bundle = join(t.dir, 'export.zip');
  await ws.createExport({ from: FROM, to: TO, jurisdiction: null, direction: null, status: null }, bundle);
}, 120_000);
afterAll(() => {
  ws.close();
  t.cleanup();
});

describe('audit export bundle', () => {
  it('holds every promised file, verifies, and says what it holds', async () => {
    const entries = await readZip(bundle);
    const attachmentFile = `attachments/${createHash('sha256').update(ATTACHMENT).digest('hex')}`;
    expect(entries.map((e) => e.name)).toEqual([
      'cases.csv',
      'cases.jsonl',
      'decisions.csv',
      'evaluations.jsonl',
      'correspondence.jsonl',
      attachmentFile,
      'ivms101-versions.jsonl',
      'notes.csv',
      'purged.csv',
      'audit.jsonl',
      'report.pdf',
      'public-key.pem',
      'manifest.json',
      'manifest.sig',
    ]);
    const manifest = JSON.parse(entries.find((e) => e.name === 'manifest.json')!.data.toString()) as Manifest;
    const inRange = all.filter((c) => c.transferTime >= `${FROM}T00:00:00` && c.transferTime < '2026-11-20T00:00:00');
    expect(manifest.counts.cases).toBe(inRange.length);
    expect(manifest.counts.decisions).toBe(3);
    expect(manifest.counts.evaluations).toBe(inRange.length * 3);
    expect(manifest.files.map((f) => f.path)).toEqual(entries.slice(0, 12).map((e) => e.name));
    // A small export: report.pdf has a section per case, and the signed manifest says so.
    expect(manifest.report).toEqual({ file: 'report.pdf', pdf: 'per-case' });
    // A repaired case's record: as received, then the repair with who, why and what changed.
    const versions = entries
      .find((e) => e.name === 'ivms101-versions.jsonl')!
      .data.toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { caseId: string; kind: string; analyst: string; note: string | null });
    expect(versions.map((v) => [v.caseId, v.kind, v.analyst, v.note])).toEqual([
      [mailCase, 'received', 'backend', null],
      [mailCase, 'repair', 'analyst-a', 'From their reply'],
    ]);
    expect(manifest.counts).toMatchObject({ ivms101Versions: 2, notes: 1 });
    // Notes are formula-safe like every CSV here.
    const notes = entries.find((e) => e.name === 'notes.csv')!.data.toString();
    expect(notes).toContain(mailCase);
    expect(notes).toContain(`"'=cmd|""/c calc""!A1 checked with ops"`);
    // The correspondence: our request and the counterparty's reply, its attachment by hash and in full.
    const mail = entries
      .find((e) => e.name === 'correspondence.jsonl')!
      .data.toString()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(mail.map((m) => [m.caseId, m.direction, m.kind])).toEqual([
      [mailCase, 'out', 'info_request'],
      [mailCase, 'in', 'reply'],
    ]);
    expect(mail[1]!.inReplyTo).toBe(mail[0]!.messageId);
    expect(mail[1]!.attachments).toEqual([
      {
        filename: 'address.txt',
        contentType: 'text/plain',
        size: ATTACHMENT.length,
        sha256: attachmentFile.slice(12),
        file: attachmentFile,
      },
    ]);
    expect(entries.find((e) => e.name === attachmentFile)!.data.equals(ATTACHMENT)).toBe(true);
    expect(manifest.counts).toMatchObject({ messages: 2, attachments: 1 });
    const csv = entries
      .find((e) => e.name === 'cases.csv')!
      .data.toString()
      .trimEnd()
      .split('\r\n');
    expect(csv).toHaveLength(inRange.length + 1);
    // Which unverified rule decided the Travel Rule outcome, beside it (issue 14).
    expect(csv[0]).toContain('travel_rule,travel_rule_unverified_rule,ivms101');
    const jsonl = entries
      .find((e) => e.name === 'cases.jsonl')!
      .data.toString()
      .trimEnd()
      .split('\n');
    expect(jsonl).toHaveLength(inRange.length);
    expect((JSON.parse(jsonl[0]!) as { ivms101: unknown }).ivms101).toBeTruthy();
    expect(jsonl.filter((l) => l.includes('"legalHold":{"reason":"Investigation 2026-17"}'))).toHaveLength(1);
    // Decision notes are data, never formulas.
    expect(entries.find((e) => e.name === 'decisions.csv')!.data.toString()).toContain(
      `"'=HYPERLINK(""http://x"",""click"")"`,
    );

    const r = await verifyExport(bundle, { publicKeyPem: readFileSync(publicKeyFileFor(bundle), 'utf8') });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.keySource).toBe('given');
    expect(r.fingerprint).toBe(ws.signingKey().fingerprint);
    expect(r.auditEvents).toBe(manifest.counts.auditEvents);
  });

  it('keeps the audit stretch contiguous, with payloads only for the selected cases', async () => {
    const narrow = join(t.dir, 'narrow.zip');
    const target = all[RU]!;
    const day = target.transferTime.slice(0, 10);
    await ws.createExport({ from: day, to: day, jurisdiction: null, direction: null, status: null }, narrow);
    const entries = await readZip(narrow);
    const events = entries
      .find((e) => e.name === 'audit.jsonl')!
      .data.toString()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number; caseId: string | null; payload: string | null; redacted: boolean });
    const selected = new Set(
      entries
        .find((e) => e.name === 'cases.jsonl')!
        .data.toString()
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as { id: string }).id),
    );
    expect(selected.has(target.id)).toBe(true);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => events[0]!.seq + i));
    for (const e of events) expect(e.redacted).toBe(!(e.caseId === null || selected.has(e.caseId)));
    expect(events.some((e) => e.redacted)).toBe(true);
    expect((await verifyExport(narrow)).ok).toBe(true);
  });

  it('fails verification naming the file, whichever file has one byte flipped', async () => {
    const entries = await readZip(bundle);
    const key = readFileSync(publicKeyFileFor(bundle), 'utf8');
    for (const target of entries) {
      const damaged = entries.map((e) => {
        if (e.name !== target.name) return e;
        const data = Buffer.from(e.data);
        const at = Math.floor(data.length / 2);
        data[at] = data[at]! ^ 0x01;
        return { name: e.name, data };
      });
      const file = join(t.dir, `flipped-${target.name.replace(/\//g, '_')}.zip`);
      await writeZip(file, damaged);
      for (const opts of [{ publicKeyPem: key }, {}]) {
        const r = await verifyExport(file, opts);
        expect(r.ok, `${target.name} flipped`).toBe(false);
        expect(
          r.problems.some((p) => p.file === target.name || p.problem.includes(target.name)),
          `${target.name}: ${JSON.stringify(r.problems)}`,
        ).toBe(true);
      }
    }
  });

  it('names the entry when the ZIP itself is damaged', async () => {
    const raw = readFileSync(bundle);
    const at = raw.indexOf(Buffer.from('cases.jsonl')) + 'cases.jsonl'.length + 200; // inside its compressed data
    raw[at] = raw[at]! ^ 0xff;
    const file = join(t.dir, 'corrupt.zip');
    writeFileSync(file, raw);
    const r = await verifyExport(file);
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.file)).toContain('cases.jsonl');
  });

  it('refuses a bundle signed by another key when the expected key is given', async () => {
    const other = tempDir();
    const ws2 = await workstationWith(other.dir, all.slice(0, 5));
    try {
      const r = await verifyExport(bundle, { publicKeyPem: ws2.signingKey().publicKeyPem });
      expect(r.ok).toBe(false);
      expect(r.problems.map((p) => p.file)).toEqual(expect.arrayContaining(['public-key.pem', 'manifest.json']));
    } finally {
      ws2.close();
      other.cleanup();
    }
  });

  it('checks out with OpenSSL and sha256sum alone, as the README shows', () => {
    const dir = join(t.dir, 'unzipped');
    execFileSync('unzip', ['-q', bundle, '-d', dir]);
    const pub = publicKeyFileFor(bundle);
    const ok = spawnSync(
      'openssl',
      ['pkeyutl', '-verify', '-pubin', '-inkey', pub, '-rawin', '-in', 'manifest.json', '-sigfile', 'manifest.sig'],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(ok.stdout.trim()).toBe('Signature Verified Successfully');
    expect(ok.status).toBe(0);
    const sums = spawnSync(
      'sh',
      [
        '-c',
        `sed -n 's/.*"path": "\\([^"]*\\)", "sha256": "\\([0-9a-f]\\{64\\}\\)".*/\\2  \\1/p' manifest.json | sha256sum -c -`,
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(sums.status, sums.stderr).toBe(0);
    expect(sums.stdout.trim().split('\n')).toHaveLength(12); // every file but the manifest and its signature
    // The same fingerprint OpenSSL computes is the one Waybill shows.
    const der = execFileSync('openssl', ['pkey', '-pubin', '-in', pub, '-outform', 'DER']);
    const fp = execFileSync('sha256sum', { input: der }).toString().split(' ')[0];
    expect(`sha256:${fp}`).toBe(ws.signingKey().fingerprint);

    const manifest = readFileSync(join(dir, 'manifest.json'));
    manifest[40] = manifest[40]! ^ 0x01;
    writeFileSync(join(dir, 'manifest.json'), manifest);
    const bad = spawnSync(
      'openssl',
      ['pkeyutl', '-verify', '-pubin', '-inkey', pub, '-rawin', '-in', 'manifest.json', '-sigfile', 'manifest.sig'],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toMatch(/Signature Verification Failure/);
  });

  it('renders Cyrillic and Chinese names in the PDF report (pdftotext)', async () => {
    const pdf = (await readZip(bundle)).find((e) => e.name === 'report.pdf')!.data;
    const file = join(t.dir, 'report.pdf');
    writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-']).toString();
    expect(text).toContain('Иван Петров');
    expect(text).toContain('小明 王');
    expect(text).toContain('Waybill audit export');
    expect(text).toContain(all[RU]!.id);
    // The correspondence appears in its case's section.
    const section = text.slice(
      text.indexOf(`Case ${mailCase}`),
      text.indexOf('Case ', text.indexOf(`Case ${mailCase}`) + 5),
    );
    expect(section).toMatch(/E-mail sent \S+ \(queued\) · Request for missing .*\[WB:/);
    expect(section).toMatch(/E-mail received \S+ \(matched\) · Re: Request for missing/);
  });

  it('writes a summary report.pdf when asked: totals, jurisdictions, exceptions, the chain head, how to verify', async () => {
    const out = join(t.dir, 'summary.zip');
    const r = await ws.createExport({ from: FROM, to: TO, jurisdiction: null, direction: null, status: null }, out, {
      pdf: 'summary',
    });
    expect(r.pdf).toBe('summary');
    // Verification is exactly as strict: signature, every file's hash, the audit chain.
    const v = await verifyExport(out, { publicKeyPem: readFileSync(publicKeyFileFor(out), 'utf8') });
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);
    const entries = await readZip(out);
    const manifest = JSON.parse(entries.find((e) => e.name === 'manifest.json')!.data.toString()) as Manifest;
    expect(manifest.report).toEqual({ file: 'report.pdf', pdf: 'summary' });
    // Every case is still in the machine-readable files.
    const jsonl = entries
      .find((e) => e.name === 'cases.jsonl')!
      .data.toString()
      .trimEnd()
      .split('\n');
    expect(jsonl).toHaveLength(manifest.counts.cases);
    const file = join(t.dir, 'summary.pdf');
    writeFileSync(file, entries.find((e) => e.name === 'report.pdf')!.data);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', '-nopgbrk', file, '-']).toString().replace(/\s+/g, ' ');
    expect(text).toContain('This report: summary (every case is in cases.csv');
    expect(text).toContain(`Cases: ${manifest.counts.cases}`);
    expect(text).toContain('Outcomes by counterparty jurisdiction');
    expect(text).toMatch(/TR: \d+ cases · /);
    expect(text).toContain('Decisions by kind');
    expect(text).toMatch(/reject: 1/);
    expect(text).toContain('Cases on legal hold: 1');
    const held = (ws.database().prepare('SELECT case_id FROM legal_holds').get() as { case_id: string }).case_id;
    expect(text).toContain(held);
    // The chain's head and each machine-readable file's hash, as the signed manifest has them.
    expect(text).toContain(`Head (hash of the last event): ${manifest.audit!.lastHash}`);
    const casesCsv = manifest.files.find((f) => f.path === 'cases.csv')!;
    expect(text).toContain(`cases.csv · ${casesCsv.bytes.toLocaleString('en-US')} bytes · SHA-256 ${casesCsv.sha256}`);
    expect(text).toContain('How to verify this bundle');
    expect(text).toContain(`its fingerprint must be ${ws.signingKey().fingerprint}`);
    // No per-case sections.
    expect(text).not.toContain(`Case ${all[RU]!.id}`);
    expect(text).not.toMatch(/Case \S+ · (withdrawal|deposit)/);
  });

  it('chooses the summary above 10,000 cases and per case up to it, unless told', () => {
    expect(PER_CASE_PDF_MAX_CASES).toBe(10_000);
    expect(resolvePdfMode(null, 10_000)).toBe('per-case');
    expect(resolvePdfMode(undefined, 10_001)).toBe('summary');
    expect(resolvePdfMode('per-case', 1_000_000)).toBe('per-case');
    expect(resolvePdfMode('summary', 3)).toBe('summary');
  });

  it('cancelled or failed, leaves no file behind', async () => {
    const dir = tempDir();
    try {
      const controller = new AbortController();
      const out = join(dir.dir, 'cancelled.zip');
      const run = ws.createExport({ from: FROM, to: TO, jurisdiction: null, direction: null, status: null }, out, {
        signal: controller.signal,
        onProgress: (p) => p.phase === 'evaluations.jsonl' && controller.abort(),
      });
      await expect(run).rejects.toMatchObject({ code: 'cancelled' });
      const failing = ws.createExport(
        { from: FROM, to: TO, jurisdiction: null, direction: null, status: null },
        join(dir.dir, 'failed.zip'),
        {
          onProgress: (p) => {
            if (p.phase === 'report.pdf' && p.done > 0) throw new Error('disk on fire');
          },
        },
      );
      await expect(failing).rejects.toThrow('disk on fire');
      expect(readdirSync(dir.dir)).toEqual([]);
      const actions = (
        ws
          .database()
          .prepare("SELECT action FROM audit_events WHERE action LIKE 'export.%' ORDER BY seq DESC LIMIT 2")
          .all() as { action: string }[]
      ).map((r) => r.action);
      expect(actions).toEqual(['export.failed', 'export.cancelled']);
    } finally {
      dir.cleanup();
    }
  });

  it('selects by counterparty jurisdiction and direction, and never overwrites', async () => {
    const out = join(t.dir, 'tr-deposits.zip');
    await ws.createExport({ from: FROM, to: TO, jurisdiction: 'TR', direction: 'deposit', status: null }, out);
    const rows = (await readZip(out))
      .find((e) => e.name === 'cases.jsonl')!
      .data.toString()
      .trimEnd()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { direction: string; counterparty: { jurisdiction: string } | null });
    const expected = all.filter(
      (c) =>
        c.direction === 'deposit' &&
        c.counterparty?.jurisdiction === 'TR' &&
        c.transferTime >= FROM &&
        c.transferTime < '2026-11-20',
    );
    expect(rows).toHaveLength(expected.length);
    expect(rows.every((r) => r.direction === 'deposit' && r.counterparty?.jurisdiction === 'TR')).toBe(true);
    await expect(
      ws.createExport({ from: FROM, to: TO, jurisdiction: null, direction: null, status: null }, out),
    ).rejects.toMatchObject({ code: 'conflict' });
  });
});

describe('waybill export (CLI)', () => {
  it('creates, verifies, and reports a damaged bundle with exit code 1', async () => {
    const env = { WAYBILL_PASSPHRASE: TEST_PASSPHRASE };
    const out = join(t.dir, 'cli.zip');
    ws.close(); // the CLI opens the same data folder
    try {
      const made = await runCli(
        ['export', 'create', '--data-dir', t.dir, '--from', FROM, '--to', TO, '--out', out],
        env,
      );
      expect(made.code, made.stderr).toBe(0);
      expect(made.stdout).toContain('Export written');
      expect(made.stdout).toContain('report.pdf: summary and one section per case (chosen by size');
      expect(existsSync(`${out}.pub.pem`)).toBe(true);
      const ok = await runCli(['export', 'verify', out, '--public-key', `${out}.pub.pem`]);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/^OK: /);
      const entries = await readZip(out);
      const csv = entries.find((e) => e.name === 'cases.csv')!;
      csv.data[10] = csv.data[10]! ^ 0x01;
      const bad = join(t.dir, 'cli-bad.zip');
      await writeZip(bad, entries);
      const failed = await runCli(['export', 'verify', bad]);
      expect(failed.code).toBe(1);
      expect(failed.stdout).toMatch(/FAILED[\s\S]*cases\.csv: its SHA-256/);
      const usage = await runCli(
        ['export', 'create', '--data-dir', t.dir, '--from', '2026-13-01', '--to', TO, '--out', join(t.dir, 'x.zip')],
        env,
      );
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain('2026-13-01 is not a real date');
    } finally {
      await ws.unlock(TEST_PASSPHRASE);
    }
  }, 120_000); // four runs of the real CLI: over 60 s on a loaded 2-core machine

  it('writes the report PDF --pdf asks for, says which, and refuses another word', async () => {
    const env = { WAYBILL_PASSPHRASE: TEST_PASSPHRASE };
    ws.close(); // the CLI opens the same data folder
    try {
      const summary = join(t.dir, 'cli-summary.zip');
      const asked = await runCli(
        ['export', 'create', '--data-dir', t.dir, '--from', FROM, '--to', TO, '--pdf', 'summary', '--out', summary],
        env,
      );
      expect(asked.code, asked.stderr).toBe(0);
      expect(asked.stdout).toContain('report.pdf: summary (every case is in the machine-readable files)\n');
      const wrong = await runCli(
        [
          'export',
          'create',
          '--data-dir',
          t.dir,
          '--from',
          FROM,
          '--to',
          TO,
          '--pdf',
          'pages',
          '--out',
          join(t.dir, 'y.zip'),
        ],
        env,
      );
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(/pdf/);
    } finally {
      await ws.unlock(TEST_PASSPHRASE);
    }
  }, 120_000);
});
