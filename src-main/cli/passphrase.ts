import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

export class UsageError extends Error {}

/** Reads a passphrase without echo. Never from argv: arguments show up in `ps` and shell history. */
export async function promptHidden(question: string): Promise<string> {
  if (!process.stdin.isTTY) throw new UsageError('No terminal to ask for the passphrase: set WAYBILL_PASSPHRASE.');
  let muted = false;
  const out = new Writable({
    write(chunk, _enc, cb) {
      if (!muted) process.stderr.write(chunk);
      cb();
    },
  });
  const rl = createInterface({ input: process.stdin, output: out, terminal: true });
  process.stderr.write(question);
  muted = true;
  try {
    return await new Promise<string>((resolve) => rl.question('', resolve));
  } finally {
    muted = false;
    rl.close();
    process.stderr.write('\n');
  }
}

export async function passphraseFromEnvOrPrompt(envName: string, question: string, confirm = false): Promise<string> {
  const fromEnv = process.env[envName];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const first = await promptHidden(question);
  if (confirm) {
    const again = await promptHidden('Repeat it: ');
    if (again !== first) throw new UsageError('The two passphrases differ.');
  }
  return first;
}
