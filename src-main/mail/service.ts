import type { ImapFlow } from 'imapflow';
import type { EventBus } from '../platform/events';
import type { Logger } from '../platform/log';
import type { WritableDB } from '../store/db';
import { readMailConfig } from './config';
import { imapClient } from './imap';
import { fetchInbox, type FetchReport } from './receive';
import { processMailOutbox, type OutboxReport, type TransportFactory } from './send';
import { backoffDelay, MAILBOX_RECONNECT_BACKOFF } from '../platform/backoff';

// Runs while the vault is unlocked: the outbox is tried at once after a compose and then on a timer
// with backoff; the mailbox is followed with IMAP IDLE (new mail arrives as an EXISTS notification)
// and read on a timer as well, in case IDLE is missing or the connection silently died.

export class MailService {
  private timer: NodeJS.Timeout | null = null;
  private idle: ImapFlow | null = null;
  private running = false;
  private stopped = false;
  private busy: Promise<unknown> = Promise.resolve();
  lastError: string | null = null;

  constructor(
    private readonly db: () => WritableDB,
    private readonly actor: string,
    private readonly bus: EventBus | null,
    private readonly log: Logger,
    private readonly o: { pollMs?: number; transport?: TransportFactory; graceMs?: number } = {},
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopped = false;
    const tick = () => void this.cycle();
    this.timer = setInterval(tick, this.o.pollMs ?? 30_000);
    this.timer.unref();
    tick();
    void this.follow();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const c = this.idle;
    this.idle = null;
    // Stopping: a session that will not log out cleanly is dropped with its socket, and the cycle's
    // failure (if any) was already given to whoever started it.
    await c?.logout().catch(() => undefined);
    await this.busy.catch(() => undefined);
  }

  /** Sends what is due, then reads new mail. Serialised: one cycle at a time. */
  cycle(): Promise<{ outbox: OutboxReport | null; inbox: FetchReport | null }> {
    const run = this.busy.then(async () => {
      if (this.stopped) return { outbox: null, inbox: null };
      const db = this.db();
      const config = readMailConfig(db);
      if (!config) return { outbox: null, inbox: null };
      let outbox: OutboxReport | null = null;
      let inbox: FetchReport | null = null;
      try {
        outbox = await processMailOutbox(db, {
          actor: this.actor,
          log: this.log,
          ...(this.o.transport ? { transport: this.o.transport } : {}),
          ...(this.o.graceMs !== undefined ? { graceMs: this.o.graceMs } : {}),
        });
        this.lastError = outbox.error;
      } catch (e) {
        this.lastError = `outbox: ${(e as Error).message.slice(0, 200)}`;
      }
      try {
        inbox = await fetchInbox(db, config, {
          actor: this.actor,
          ...(this.idle?.usable ? { client: this.idle } : {}),
        });
      } catch (e) {
        this.lastError = `mailbox: ${(e as Error).message.slice(0, 200)}`;
      }
      if ((outbox && outbox.sent + outbox.confirmed > 0) || (inbox && inbox.fetched > 0))
        this.bus?.emit('cases.changed', { count: (inbox?.fetched ?? 0) + (outbox?.sent ?? 0) });
      return { outbox, inbox };
    });
    // busy only serialises cycles; the failure itself goes to the caller through run.
    this.busy = run.catch(() => undefined);
    return run;
  }

  /** Keeps one IDLE connection on INBOX; new mail triggers a cycle. Reconnects with backoff. */
  private async follow(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const config = readMailConfig(this.db());
      if (!config) return;
      const client = await imapClient(config);
      try {
        await client.connect();
        await client.mailboxOpen('INBOX');
        this.idle = client;
        failures = 0;
        client.on('exists', () => void this.cycle());
        await new Promise<void>((resolve) => client.once('close', () => resolve()));
      } catch (e) {
        this.lastError = `mailbox: ${(e as Error).message.slice(0, 200)}`;
      } finally {
        if (this.idle === client) this.idle = null;
      }
      if (this.stopped) return;
      failures++;
      await new Promise((r) => setTimeout(r, backoffDelay(failures, MAILBOX_RECONNECT_BACKOFF)).unref());
    }
  }
}
