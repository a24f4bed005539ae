import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseSummary } from '../../src-shared/domain';
import { callInPage, SCREENSHOTS, unlockedSession, type UnlockedSession } from '../support/browser';
import {
  COMPLIANCE,
  IMAP_PASSWORD,
  SMTP_PASSWORD,
  SMTP_USER,
  startDovecot,
  startRelay,
  type Dovecot,
  type Relay,
} from '../support/mail-servers';

// From a case, the analyst e-mails a request for the missing information; the counterparty's reply
// lands in the compliance mailbox (Dovecot) and appears in the case's thread, pushed by IMAP IDLE.
let session: UnlockedSession;
let dovecot: Dovecot;
let relay: Relay;
let page: Page;

beforeAll(async () => {
  dovecot = await startDovecot();
  relay = await startRelay(dovecot);
  session = await unlockedSession({ cases: 300, seed: 8, viewport: { width: 1500, height: 950 } });
  ({ page } = session);
}, 120_000);
afterAll(async () => {
  await session?.close();
  await relay?.stop();
  dovecot?.stop();
});

const api = <T>(method: string, input: unknown) => callInPage<T>(page, method, input);

describe('e-mail in the browser', () => {
  it('sets up mail in Settings and sends a test message', async () => {
    await page.keyboard.press('Alt+5');
    await page.getByLabel('Our compliance address').fill(COMPLIANCE);
    for (const [id, port, user, pass] of [
      ['smtp', relay.port, SMTP_USER, SMTP_PASSWORD],
      ['imap', dovecot.port, COMPLIANCE, IMAP_PASSWORD],
    ] as const) {
      await page.locator(`#${id}-host`).fill('127.0.0.1');
      await page.locator(`#${id}-port`).fill(String(port));
      await page
        .locator(`#${id}-host`)
        .locator('xpath=..')
        .getByLabel(/TLS from the start/)
        .uncheck();
      await page
        .locator(`#${id}-host`)
        .locator('xpath=..')
        .getByLabel(/Allow no TLS/)
        .check();
      await page.locator(`#${id}-user`).fill(user);
      await page.locator(`#${id}-pass`).fill(pass);
    }
    await page.getByRole('button', { name: 'Save mail settings' }).click();
    await expect.poll(() => page.getByText('Mail settings saved.').count()).toBe(1);
    await page.getByRole('button', { name: 'Send test message' }).click();
    await expect.poll(() => page.getByText(`Test message sent to ${COMPLIANCE}.`).count(), { timeout: 20_000 }).toBe(1);
    expect(relay.received.some((r) => /Subject: Waybill test message/.test(r.raw))).toBe(true);
  });

  it('composes a request for missing information from a case and shows the reply in its thread', async () => {
    const { rows } = await api<{ rows: CaseSummary[] }>('cases.list', { limit: 500, filter: { missingFields: true } });
    const pick = [] as string[];
    for (const r of rows) {
      const d = await api<{ record: { counterparty: { email?: string } | null } }>('cases.get', { id: r.id });
      if (d.record.counterparty?.email) pick.push(r.id);
      if (pick.length) break;
    }
    const id = pick[0]!;
    await page.keyboard.press('Alt+1');
    await page.getByLabel(/Search names, wallets/).fill(id);
    await page.getByLabel(/Search names, wallets/).press('Enter');
    await expect.poll(() => page.locator('tbody tr[data-case-id]').first().getAttribute('data-case-id')).toBe(id);
    await page.getByTestId('queue-scroll').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'E-mail: request missing information' }).click();
    const out = page.locator('[data-testid="mail-message"][data-direction="out"]');
    await expect.poll(() => out.first().getAttribute('data-state'), { timeout: 30_000 }).toBe('sent');
    const sent = relay.received.find(
      (r) => r.raw.includes(`[WB:${id}:`) || r.raw.replace(/\r\n[ \t]+/g, ' ').includes(`[WB:${id}:`),
    )!;
    const messageId = /^Message-ID: (<[^>]+>)/m.exec(sent.raw)![1]!;

    const reply = await new MailComposer({
      from: 'ops@counterparty.example',
      to: COMPLIANCE,
      subject: 'Re: your request',
      inReplyTo: messageId,
      references: [messageId],
      text: 'The originator lives at 1 Harbour Road. We approve the transfer.',
    })
      .compile()
      .build();
    await dovecot.append(reply);
    const incoming = page.locator('[data-testid="mail-message"][data-direction="in"]');
    await expect.poll(() => incoming.count(), { timeout: 30_000 }).toBe(1);
    await incoming.getByText('Message').click();
    expect(await incoming.locator('pre').textContent()).toContain('1 Harbour Road');
    await page.getByTestId('mail-thread').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'mail-thread.png') });

    // Unmatched mail goes to triage, where an analyst can attach it.
    await dovecot.append(
      await new MailComposer({
        from: 'someone@elsewhere.example',
        to: COMPLIANCE,
        subject: 'Hello',
        text: 'Which transfer is this about?',
      })
        .compile()
        .build(),
    );
    await page.keyboard.press('Alt+3');
    await page.getByRole('button', { name: 'Send and fetch now' }).click();
    await expect.poll(() => page.getByTestId('triage-item').count(), { timeout: 20_000 }).toBe(1);
    await page.getByLabel('Attach to case').fill(id);
    await page.getByRole('button', { name: 'Attach' }).click();
    await expect.poll(() => page.getByTestId('triage-item').count()).toBe(0);
  });
});
