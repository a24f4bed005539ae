import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../src-shared/case';
import { cases, workstationWith } from '../../test/support/export';
import {
  COMPLIANCE,
  mailConfig,
  startDovecot,
  startRelay,
  type Dovecot,
  type Relay,
} from '../../test/support/mail-servers';
import { TEST_PASSPHRASE, tempDir } from '../../test/support/temp';
import type { Workstation } from '../app/workstation';
import { verifyAudit } from '../audit/chain';
import { silentLogger } from '../platform/log';
import { createDispatcher } from '../api/dispatcher';
import { createHandlers } from '../api/handlers';
import { composeMail } from './compose';
import { saveMailConfig, tlsPolicy } from './config';
import { saveCounterpartyKey } from './pgp';
import { fetchInbox, MAX_ATTACHMENT_BYTES } from './receive';
import { processMailOutbox } from './send';
import { saveTemplate } from './templates';

// Against real servers on loopback: Debian's Dovecot holds the compliance mailbox; an SMTP relay
// (smtp-server) receives what the workstation sends and delivers the compliance copy into Dovecot.
let t: ReturnType<typeof tempDir>;
let ws: Workstation;
let dovecot: Dovecot;
let relay: Relay;
const all = cases(120, { seed: 31 });
const byEmail = all.filter((c) => c.counterparty?.email && c.counterparty.protocol === 'email');
const names = (c: CaseRecord) => JSON.stringify(c.ivms101).match(/"primaryIdentifier":"([^"]+)"/)?.[1] ?? 'x';

beforeAll(async () => {
  t = tempDir();
  dovecot = await startDovecot();
  relay = await startRelay(dovecot);
  ws = await workstationWith(t.dir, all, 'analyst-mail');
  saveMailConfig(ws.database(), mailConfig(dovecot, relay));
}, 60_000);
afterAll(async () => {
  ws?.close();
  await relay?.stop();
  dovecot?.stop();
  t.cleanup();
});

const db = () => ws.database();
const row = (id: number) => db().prepare('SELECT * FROM mail_messages WHERE id = ?').get(id) as Record<string, unknown>;
const sentTo = (messageId: string) => relay.received.filter((r) => r.raw.includes(`Message-ID: ${messageId}`));
async function reply(o: {
  inReplyTo?: string;
  subject: string;
  text: string;
  attachments?: { filename: string; content: Buffer }[];
  raw?: string;
}) {
  const raw =
    o.raw ??
    (await new MailComposer({
      from: 'ops@counterparty.example',
      to: COMPLIANCE,
      subject: o.subject,
      text: o.text,
      ...(o.inReplyTo ? { inReplyTo: o.inReplyTo, references: [o.inReplyTo] } : {}),
      attachments: o.attachments ?? [],
    })
      .compile()
      .build());
  await dovecot.append(raw);
}

describe('e-mail correspondence', () => {
  it('sends a request for missing information: case reference in the subject and headers, no personal data in the subject', async () => {
    const c = byEmail[0]!;
    const q = await composeMail(db(), {
      caseId: c.id,
      kind: 'info_request',
      note: 'Thank you.',
      actor: 'analyst-mail',
    });
    expect(row(q.id).state).toBe('queued');
    const r = await processMailOutbox(db(), { actor: 'analyst-mail' });
    expect(r).toMatchObject({ sent: 1, error: null });
    expect(row(q.id)).toMatchObject({ state: 'sent', message_id: q.messageId });
    const got = sentTo(q.messageId);
    expect(got).toHaveLength(1);
    expect(got[0]!.to.sort()).toEqual([COMPLIANCE, c.counterparty!.email!].sort()); // their copy and ours (Bcc)
    const subject = /^Subject: (.*)$/m.exec(got[0]!.raw.replace(/\r\n[ \t]+/g, ' '))![1]!;
    expect(subject).toMatch(new RegExp(`\\[WB:${c.id}:[0-9a-f]{12}\\]`));
    expect(subject).not.toContain(names(c));
    expect(got[0]!.raw).toMatch(/Content-Type: text\/html/);
  });

  it('matches a reply to its case by In-Reply-To, stores its attachment, and skips our own copy', async () => {
    const c = byEmail[0]!;
    const sent = db()
      .prepare("SELECT message_id, subject FROM mail_messages WHERE case_id = ? AND direction = 'out'")
      .get(c.id) as { message_id: string; subject: string };
    const pdf = Buffer.from('%PDF-1.4 passport scan for the file\n');
    await reply({
      inReplyTo: sent.message_id,
      subject: 'Re: something else entirely',
      text: 'Please find the address attached.',
      attachments: [{ filename: 'address.pdf', content: pdf }],
    });
    const r = await fetchInbox(db(), mailConfig(dovecot, relay), { actor: 'analyst-mail' });
    expect(r).toMatchObject({ fetched: 2, matched: 1, triaged: 0, ownCopies: 1 });
    const got = db()
      .prepare("SELECT id, case_id, state, body_text FROM mail_messages WHERE direction = 'in'")
      .get() as { id: number; case_id: string; state: string; body_text: string };
    expect(got).toMatchObject({ case_id: c.id, state: 'matched' });
    expect(got.body_text).toContain('address attached');
    const att = db()
      .prepare('SELECT filename, size, content FROM mail_attachments WHERE message_id = ?')
      .get(got.id) as { filename: string; size: number; content: Buffer };
    expect(att).toMatchObject({ filename: 'address.pdf', size: pdf.length });
    expect(Buffer.compare(att.content, pdf)).toBe(0);
    // Fetching again reads nothing twice.
    expect(await fetchInbox(db(), mailConfig(dovecot, relay), { actor: 'analyst-mail' })).toMatchObject({ fetched: 0 });
  });

  it('matches by the subject token when the headers are gone; sends unreferenced and forged mail to triage', async () => {
    const c = byEmail[0]!;
    const token = (
      db().prepare("SELECT subject FROM mail_messages WHERE case_id = ? AND direction = 'out'").get(c.id) as {
        subject: string;
      }
    ).subject.match(/\[WB:[^\]]+\]/)![0];
    await reply({ subject: `Re: ${token}`, text: 'Approved on our side.' });
    await reply({ subject: 'Question about a transfer', text: 'Which transfer was it?' });
    const forged = token.replace(/:[0-9a-f]{12}\]/, ':0123456789ab]');
    await reply({ subject: `Re: ${forged}`, text: 'Attach me to that case please.' });
    const r = await fetchInbox(db(), mailConfig(dovecot, relay), { actor: 'analyst-mail' });
    expect(r).toMatchObject({ fetched: 3, matched: 1, triaged: 2 });
    const triage = db()
      .prepare("SELECT subject, triage_reason, case_id FROM mail_messages WHERE state = 'triage' ORDER BY id")
      .all() as { subject: string; triage_reason: string; case_id: string | null }[];
    expect(triage.map((x) => x.case_id)).toEqual([null, null]);
    expect(triage[0]!.triage_reason).toMatch(/no case reference/);
    expect(triage[1]!.triage_reason).toMatch(/does not check out \(forged or damaged\)/);
  });

  it('puts broken MIME and a huge attachment in triage with the reason, and keeps reading', async () => {
    const broken = [
      'From: x@counterparty.example',
      `To: ${COMPLIANCE}`,
      'Subject: broken',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      'Content-Transfer-Encoding: base64',
      '',
      '!!!not base64!!!',
      '--b1',
      'Content-Type: application/octet-stream; name="x.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      'AAAA',
      '',
    ].join('\r\n');
    await reply({ raw: broken, subject: '', text: '' });
    const c = byEmail[0]!;
    const sent = db()
      .prepare("SELECT message_id FROM mail_messages WHERE case_id = ? AND direction = 'out'")
      .get(c.id) as { message_id: string };
    await reply({
      inReplyTo: sent.message_id,
      subject: 'Re: big',
      text: 'The full file.',
      attachments: [{ filename: 'everything.zip', content: Buffer.alloc(MAX_ATTACHMENT_BYTES + 1024, 7) }],
    });
    await reply({ inReplyTo: sent.message_id, subject: 'Re: small', text: 'And a normal one after it.' });
    const r = await fetchInbox(db(), mailConfig(dovecot, relay), { actor: 'analyst-mail' });
    expect(r.fetched).toBe(3);
    const last3 = db()
      .prepare(
        "SELECT subject, state, triage_reason, case_id FROM mail_messages WHERE direction = 'in' ORDER BY id DESC LIMIT 3",
      )
      .all()
      .reverse() as { subject: string; state: string; triage_reason: string | null; case_id: string | null }[];
    expect(last3[0]).toMatchObject({ subject: 'broken', state: 'triage' });
    expect(last3[1]).toMatchObject({ state: 'triage', case_id: c.id });
    expect(last3[1]!.triage_reason).toMatch(/"everything.zip" \(10\.0 MB\) is over the 10 MB limit/);
    expect(last3[2]).toMatchObject({ subject: 'Re: small', state: 'matched', case_id: c.id });
    const big = db().prepare("SELECT content, size FROM mail_attachments WHERE filename = 'everything.zip'").get() as {
      content: Buffer | null;
      size: number;
    };
    expect(big.content).toBeNull();
    expect(big.size).toBeGreaterThan(MAX_ATTACHMENT_BYTES);
  });

  it("encrypts to the counterparty's OpenPGP key: body inline, data as an encrypted attachment", async () => {
    const c = byEmail[1]!;
    const { privateKey, publicKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ email: c.counterparty!.email! }],
      format: 'armored',
    });
    await saveCounterpartyKey(db(), c.counterparty!.vaspId, publicKey, 'analyst-mail');
    const key = await openpgp.readPrivateKey({ armoredKey: privateKey });
    const decrypt = async (armored: string) =>
      (await openpgp.decrypt({ message: await openpgp.readMessage({ armoredMessage: armored }), decryptionKeys: key }))
        .data as string;

    const inline = await composeMail(db(), { caseId: c.id, kind: 'data_notice', actor: 'analyst-mail' });
    await processMailOutbox(db(), { actor: 'analyst-mail' });
    const raw = sentTo(inline.messageId)[0]!.raw;
    expect(raw).toContain('-----BEGIN PGP MESSAGE-----');
    expect(raw).not.toContain(names(c));
    expect(raw).not.toMatch(/text\/html/);
    const armored = raw
      .slice(raw.indexOf('-----BEGIN PGP MESSAGE-----'), raw.indexOf('-----END PGP MESSAGE-----') + 25)
      .replace(/=\r?\n/g, '')
      .replace(/=3D/g, '=')
      .replace(/\r/g, '');
    expect(await decrypt(armored)).toContain(names(c));

    const config = { ...mailConfig(dovecot, relay), dataMode: 'encrypted_attachment' as const };
    saveMailConfig(db(), config);
    const att = await composeMail(db(), { caseId: c.id, kind: 'data_notice', actor: 'analyst-mail' });
    const stored = db()
      .prepare(
        'SELECT content FROM mail_attachments m JOIN mail_messages x ON x.id = m.message_id WHERE x.message_id = ?',
      )
      .get(att.messageId) as { content: Buffer };
    expect(await decrypt(stored.content.toString('utf8'))).toContain(names(c));
    // Without a key on file, encrypted-attachment mode refuses to send personal data at all.
    const noKey = byEmail.find((x) => x.counterparty!.vaspId !== c.counterparty!.vaspId)!;
    await expect(composeMail(db(), { caseId: noKey.id, kind: 'data_notice', actor: 'analyst-mail' })).rejects.toThrow(
      /no OpenPGP key is on file/,
    );
    saveMailConfig(db(), mailConfig(dovecot, relay));
    await processMailOutbox(db(), { actor: 'analyst-mail' });
  });

  it('SMTP down: messages wait in the outbox; SMTP back: each is delivered exactly once', async () => {
    await relay.stop();
    const queued = [];
    for (const c of byEmail.slice(2, 5))
      queued.push(await composeMail(db(), { caseId: c.id, kind: 'info_request', actor: 'analyst-mail' }));
    const down = await processMailOutbox(db(), { actor: 'analyst-mail' });
    expect(down.sent).toBe(0);
    expect(down.error).toMatch(/ECONNREFUSED/);
    // The first attempt found no server; the others were not even tried (they wait with it).
    expect(queued.map((q) => row(q.id).state)).toEqual(['queued', 'queued', 'queued']);
    expect(queued.map((q) => row(q.id).attempts)).toEqual([1, 0, 0]);
    await relay.start();
    const later = () => new Date(Date.now() + 3600_000);
    const up = await processMailOutbox(db(), { actor: 'analyst-mail', now: later });
    expect(up.sent).toBe(3);
    await processMailOutbox(db(), { actor: 'analyst-mail', now: later });
    for (const q of queued) {
      expect(sentTo(q.messageId)).toHaveLength(1);
      expect(row(q.id).state).toBe('sent');
    }
  });

  it('a kill between sending and recording does not send twice; a kill before sending sends once', async () => {
    const [a, b] = byEmail.slice(5, 7);
    const qa = await composeMail(db(), { caseId: a!.id, kind: 'info_request', actor: 'analyst-mail' });
    ws.close();
    // Asynchronous: the relay runs in this process and must keep answering while the child talks to it.
    const child = (when: string) =>
      new Promise<{ signal: NodeJS.Signals | null; status: number | null; stderr: string }>((done) => {
        const p = spawn(
          process.execPath,
          ['--import', 'tsx', resolve(import.meta.dirname, '../../test/support/mail-kill.ts'), t.dir, when],
          { env: { ...process.env, VITEST: undefined }, stdio: ['ignore', 'ignore', 'pipe'] },
        );
        let stderr = '';
        p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        p.on('close', (status, signal) => done({ signal, status, stderr }));
      });
    const killed = await child('after');
    expect(killed.signal, `${killed.status} ${killed.stderr}`).toBe('SIGKILL');
    await ws.unlock(TEST_PASSPHRASE);
    expect(row(qa.id).state).toBe('sending'); // accepted by the relay, never recorded
    expect(sentTo(qa.messageId)).toHaveLength(1);
    const r = await processMailOutbox(db(), { actor: 'analyst-mail', graceMs: 0 });
    expect(r.confirmed).toBe(1);
    expect(row(qa.id).state).toBe('sent');
    expect(sentTo(qa.messageId)).toHaveLength(1);

    const qb = await composeMail(db(), { caseId: b!.id, kind: 'info_request', actor: 'analyst-mail' });
    ws.close();
    expect((await child('before')).signal).toBe('SIGKILL');
    await ws.unlock(TEST_PASSPHRASE);
    expect(row(qb.id).state).toBe('sending');
    expect(sentTo(qb.messageId)).toHaveLength(0);
    expect((await processMailOutbox(db(), { actor: 'analyst-mail', graceMs: 0 })).retried).toBe(1);
    await processMailOutbox(db(), { actor: 'analyst-mail', graceMs: 0 });
    expect(row(qb.id).state).toBe('sent');
    expect(sentTo(qb.messageId)).toHaveLength(1);
    expect(verifyAudit(db()).ok).toBe(true);
  }, 60_000);

  it("records the counterparty's answer from a reply into the sync outbox, for the backend", async () => {
    const dispatch = createDispatcher(createHandlers(ws), silentLogger);
    const reply = db()
      .prepare("SELECT id, case_id FROM mail_messages WHERE direction = 'in' AND state = 'matched' LIMIT 1")
      .get() as { id: number; case_id: string };
    const r = (await dispatch('mail.recordResponse', {
      mailId: reply.id,
      outcome: 'rejected',
      reason: 'Beneficiary unknown to us',
    })) as { ok: boolean };
    expect(r.ok).toBe(true);
    const queued = db()
      .prepare("SELECT payload, state FROM outbox WHERE kind = 'counterparty_response' AND case_id = ?")
      .get(reply.case_id) as { payload: string; state: string };
    expect(queued.state).toBe('pending');
    expect(JSON.parse(queued.payload)).toMatchObject({
      outcome: 'rejected',
      reason: 'Beneficiary unknown to us',
      via: 'email',
    });
    const edited = (await dispatch('mail.template', {
      kind: 'info_request',
      subject: 'Please complete {{ref}}',
      body: 'We need:\n{{missing}}',
    })) as { ok: boolean; value: { templates: Record<string, { subject: string }> } };
    expect(edited.value.templates.info_request!.subject).toBe('Please complete {{ref}}');
    expect(
      (
        (await dispatch('mail.template', {
          kind: 'info_request',
          subject: 'For {{counterparty}} {{ref}}',
          body: 'x',
        })) as { ok: boolean }
      ).ok,
    ).toBe(false);
  });

  it('keeps personal data out of subjects and plaintext off the network beyond loopback', () => {
    expect(() =>
      saveTemplate(db(), 'info_request', { subject: 'Missing data for {{counterparty}} {{ref}}', body: 'x' }),
    ).toThrow(/subject may use only/);
    expect(() => saveTemplate(db(), 'info_request', { subject: 'Missing data', body: 'x' })).toThrow(
      /must carry \{\{ref\}\}/,
    );
    expect(() =>
      tlsPolicy(
        {
          host: 'smtp.exchange.example',
          port: 25,
          secure: false,
          user: 'u',
          password: 'p',
          allowInsecureLoopback: true,
        },
        'SMTP',
      ),
    ).toThrow(/only allowed to a server on this machine/);
    expect(
      tlsPolicy(
        {
          host: 'smtp.exchange.example',
          port: 587,
          secure: false,
          user: 'u',
          password: 'p',
          allowInsecureLoopback: false,
        },
        'SMTP',
      ),
    ).toEqual({ secure: false, requireTLS: true, ignoreTLS: false });
  });
});
