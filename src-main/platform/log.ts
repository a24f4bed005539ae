import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

// Logs are for operators, and they end up in bug reports: they carry ids, codes and counts only.
// Any string field that does not look like an identifier or code is replaced, so a mistake in a
// caller cannot write a name, an address or a passphrase to disk.
const SAFE_STRING = /^[A-Za-z0-9_.:/-]{0,80}$/;
const SAFE_KEYS = new Set(['error', 'code']);

export type LogValue = string | number | boolean | null | undefined;
export type LogFields = Record<string, LogValue>;

export function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v !== 'string') out[k] = v;
    else if (SAFE_STRING.test(v) || (SAFE_KEYS.has(k) && /^[A-Za-z_]{1,40}$/.test(v))) out[k] = v;
    else out[k] = '[redacted]';
  }
  return out;
}

export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

export function fileLogger(dataDir: string, alsoStderr = false): Logger {
  const file = join(dataDir, 'logs', 'waybill.log');
  const write = (level: string, event: string, fields: LogFields = {}) => {
    const line = JSON.stringify({ t: new Date().toISOString(), level, event, ...redact(fields) });
    try {
      appendFileSync(file, line + '\n', { mode: 0o600 });
    } catch {
      // A full disk must not take the workstation down with it.
    }
    if (alsoStderr) process.stderr.write(line + '\n');
  };
  return {
    info: (e, f) => write('info', e, f),
    warn: (e, f) => write('warn', e, f),
    error: (e, f) => write('error', e, f),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
