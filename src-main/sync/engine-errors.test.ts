import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { databaseAt } from '../../test/support/migrations';
import { LATEST_SCHEMA_VERSION } from '../store/migrations/index';
import type { WritableDB } from '../store/db';
import type { LogFields, Logger } from '../platform/log';
import { BackendClient, BackendError } from './client';
import { errorCode, SyncEngine } from './engine';

// An analyst's action never fails because the backend is away, and the failure is not silent either:
// it is logged with a code an operator can read (issue 19 point 8: no push().catch(() => 0)).

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('SyncEngine.tryNow', () => {
  it('logs a deferred pull with a code, and resolves', async () => {
    const lines: { event: string; fields: LogFields | undefined }[] = [];
    const log: Logger = {
      info: (event, fields) => lines.push({ event, fields }),
      warn: (event, fields) => lines.push({ event, fields }),
      error: (event, fields) => lines.push({ event, fields }),
    };
    const db = databaseAt(LATEST_SCHEMA_VERSION) as unknown as WritableDB; // a plain SQLite store at the latest schema
    const engine = new SyncEngine(
      () => db,
      new BackendClient(`http://127.0.0.1:${await closedPort()}`, 'token-123456', 'ana'),
      () => {
        throw new Error('no checks run while offline');
      },
      null,
      log,
    );
    await expect(engine.tryNow('pull', 'sync_now')).resolves.toBeUndefined();
    expect(lines).toContainEqual({ event: 'sync.pull_deferred', fields: { after: 'sync_now', error: 'ECONNREFUSED' } });
  });

  it('names failures by code, never by message', () => {
    expect(errorCode(new BackendError(503, 'Service Unavailable: Jane Doe'))).toBe('http_503');
    expect(
      errorCode(
        new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) }),
      ),
    ).toBe('ECONNRESET');
    expect(errorCode(new RangeError('a message with a name in it: Jane Doe'))).toBe('RangeError');
    expect(errorCode('a string')).toBe('unknown');
  });
});
