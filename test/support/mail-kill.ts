import { Workstation } from '../../src-main/app/workstation';
import { processMailOutbox, smtpTransport } from '../../src-main/mail/send';
import { TEST_PASSPHRASE } from './temp';

// Killed mid-send by design: `after` dies the instant the SMTP relay has accepted the message (before
// Waybill records it as sent); `before` dies after marking it 'sending' but before talking to SMTP.
const [dataDir, when] = process.argv.slice(2) as [string, 'after' | 'before'];
const ws = new Workstation({ dataDir, mode: 'cli', actor: 'kill-test' });
await ws.unlock(TEST_PASSPHRASE);
await processMailOutbox(ws.database(), {
  actor: 'kill-test',
  transport: async (c) => {
    const real = await smtpTransport(c);
    return {
      async sendMail(m) {
        if (when === 'before') process.kill(process.pid, 'SIGKILL');
        await real.sendMail(m);
        process.kill(process.pid, 'SIGKILL');
      },
    };
  },
});
