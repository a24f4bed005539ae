// Child process for src-main/vault/parallel-unlock.test.ts: fires N passphrase checks at once and
// reports what each came back with and the process's peak resident memory (maxRSS), which a test
// cannot measure inside vitest's own shared process.
import { randomBytes } from 'node:crypto';
import { deriveKey } from '../../src-main/vault/kdf';
import { unlockVault } from '../../src-main/vault/vault';

const [dataDir, mode, n] = process.argv.slice(2);
const count = Number(n ?? 30);
const settle = async (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'ok',
    (e: unknown) => String((e as { code?: string }).code ?? 'error'),
  );

const runs =
  mode === 'derive'
    ? Array.from({ length: count }, () =>
        settle(
          deriveKey('not the passphrase', {
            algorithm: 'argon2id',
            memoryKiB: 65536,
            iterations: 3,
            parallelism: 1,
            saltB64: randomBytes(16).toString('base64'),
          }),
        ),
      )
    : Array.from({ length: count }, () => settle(unlockVault(dataDir!, 'not the passphrase at all')));
const outcomes = await Promise.all(runs);
const codes: Record<string, number> = {};
for (const o of outcomes) codes[o] = (codes[o] ?? 0) + 1;
process.stdout.write(JSON.stringify({ codes, maxRssKiB: process.resourceUsage().maxRSS }));
