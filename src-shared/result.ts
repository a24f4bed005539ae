// The envelope every API answer travels in, over IPC and over the HTTP bridge alike.
// Errors are plain data: callers match on `code`, never on `instanceof` across a process boundary.

export const ERROR_CODES = [
  'invalid_input',
  'unknown_method',
  'not_found',
  'vault_absent',
  'vault_exists',
  'vault_locked',
  'wrong_passphrase',
  'throttled',
  'weak_passphrase',
  'unavailable',
  'conflict',
  'forbidden',
  'cancelled',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiErrorBody {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiErrorBody };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string, details?: Record<string, unknown>): Result<never> => ({
  ok: false,
  error: details === undefined ? { code, message } : { code, message, details },
});

/** Thrown inside the core; the dispatcher turns it into `{ok:false}`. Its message must be safe to show. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}
