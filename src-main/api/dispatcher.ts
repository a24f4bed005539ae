import { contract, isMethodName, type MethodName, type OutputOf, type ParsedInputOf } from '../../src-shared/contract';
import { AppError, fail, ok, type Result } from '../../src-shared/result';
import type { Logger } from '../platform/log';

export type Handlers = { [K in MethodName]: (input: ParsedInputOf<K>) => Promise<OutputOf<K>> | OutputOf<K> };
export type Dispatch = (method: string, input: unknown) => Promise<Result<unknown>>;

/**
 * The single entry point for every transport: checks the method exists, validates the input
 * against the contract's schema, runs the handler and wraps the answer in the envelope.
 * Unexpected errors become a generic `internal` error: their text may carry data we must not leak.
 */
export function createDispatcher(handlers: Handlers, log: Logger): Dispatch {
  return async (method, input) => {
    if (!isMethodName(method)) return fail('unknown_method', `There is no API method named "${method.slice(0, 60)}".`);
    const parsed = contract[method].input.safeParse(input ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      return fail(
        'invalid_input',
        `Invalid input for ${method}: ${issues.map((i) => `${i.path || '(input)'} ${i.message}`).join('; ')}`,
        { issues },
      );
    }
    try {
      const handler = handlers[method] as (i: unknown) => unknown;
      return ok(await handler(parsed.data));
    } catch (e) {
      if (e instanceof AppError) return fail(e.code, e.message, e.details);
      log.error('api.internal_error', { method, error: e instanceof Error ? e.name : 'unknown' });
      return fail('internal', 'Something went wrong inside Waybill. The details are in the log.');
    }
  };
}
