import { describe, expect, it } from 'vitest';
import { AppError } from '../../src-shared/result';
import { silentLogger, type Logger } from '../platform/log';
import { createDispatcher, type Handlers } from './dispatcher';

const base = {} as Handlers;
const logged: unknown[] = [];
const log: Logger = { ...silentLogger, error: (e, f) => logged.push([e, f]) };

describe('dispatcher', () => {
  const dispatch = createDispatcher(
    {
      ...base,
      'cases.list': (q) => ({ total: q.offset, rows: [] }),
      'vault.unlock': () => {
        throw new AppError('wrong_passphrase', 'The passphrase is not correct.');
      },
      'app.status': () => {
        throw new Error('secret detail: Jane Doe, DE12345');
      },
    },
    log,
  );

  it('answers an unknown method with unknown_method', async () => {
    expect(await dispatch('vault.steal', {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(await dispatch('__proto__', {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
  });

  it('validates input against the contract and names the field', async () => {
    const r = await dispatch('cases.list', { limit: 100000 });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(!r.ok && r.error.message).toMatch(/limit/);
    expect(await dispatch('cases.list', { extra: 1 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('fills defaults and wraps the value', async () => {
    expect(await dispatch('cases.list', {})).toEqual({ ok: true, value: { total: 0, rows: [] } });
  });

  it('passes AppError codes through and hides unexpected error text', async () => {
    expect(await dispatch('vault.unlock', { passphrase: 'x' })).toEqual({
      ok: false,
      error: { code: 'wrong_passphrase', message: 'The passphrase is not correct.' },
    });
    const r = await dispatch('app.status', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(r)).not.toContain('Jane');
    expect(JSON.stringify(logged)).not.toContain('Jane');
  });
});
