import { readSse } from '../../../src-shared/sse';
import type { EventName, Events, InputOf, MethodName, OutputOf } from '../../../src-shared/contract';
import type { ApiErrorBody, ErrorCode, Result } from '../../../src-shared/result';

// The renderer's only way to the core. The same typed client runs over Electron IPC (when the
// preload is present) or over the browser-mode HTTP bridge.

export interface Transport {
  invoke(method: string, input: unknown): Promise<Result<unknown>>;
  on(listener: (name: string, payload: unknown) => void): () => void;
}

interface PreloadShape {
  invoke(method: string, input: unknown): Promise<unknown>;
  on(listener: (name: string, payload: unknown) => void): () => void;
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(body: ApiErrorBody) {
    super(body.message);
    this.code = body.code;
    this.details = body.details;
  }
}

export function ipcTransport(preload: PreloadShape): Transport {
  return { invoke: async (m, i) => (await preload.invoke(m, i)) as Result<unknown>, on: (l) => preload.on(l) };
}

/**
 * The bridge's session travels in an HttpOnly cookie the browser sends by itself: no credential is
 * ever in this page's reach (nor in a URL). `ready` is the launch-code exchange, awaited before any call.
 */
export function bridgeTransport(ready: Promise<unknown> = Promise.resolve(), base = ''): Transport {
  const headers = { 'Content-Type': 'application/json' };
  const settled = ready.catch(() => undefined);
  // Once the exchange is over a call's fetch starts in the same task as the call: awaiting the settled
  // promise again let React render the queue's loading state first (8-16 ms at a million cases).
  let isReady = false;
  void settled.then(() => (isReady = true));
  return {
    async invoke(method, input) {
      if (!isReady) await settled;
      try {
        const res = await fetch(`${base}/api/invoke/${method}`, {
          method: 'POST',
          headers,
          body: JSON.stringify(input ?? {}),
        });
        return (await res.json()) as Result<unknown>;
      } catch {
        return { ok: false, error: { code: 'unavailable', message: 'The Waybill core is not reachable.' } };
      }
    },
    on(listener) {
      const ctrl = new AbortController();
      const connect = async (): Promise<void> => {
        while (!ctrl.signal.aborted) {
          try {
            await settled;
            const res = await fetch(`${base}/api/events`, { headers, signal: ctrl.signal });
            if (!res.body) throw new Error('no stream');
            await readSse(res.body, (data) => {
              const msg = JSON.parse(data) as { name: string; payload: unknown };
              listener(msg.name, msg.payload);
            });
          } catch {
            // Reconnect below, unless we were asked to stop.
          }
          if (!ctrl.signal.aborted) await new Promise((r) => setTimeout(r, 1000));
        }
      };
      void connect();
      return () => ctrl.abort();
    },
  };
}

export function createClient(t: Transport) {
  return {
    async call<K extends MethodName>(method: K, input: InputOf<K>): Promise<OutputOf<K>> {
      const r = await t.invoke(method, input);
      if (!r.ok) throw new ApiError(r.error);
      return r.value as OutputOf<K>;
    },
    on<K extends EventName>(name: K, handler: (payload: Events[K]) => void): () => void {
      return t.on((n, p) => {
        if (n === name) handler(p as Events[K]);
      });
    },
  };
}
export type Client = ReturnType<typeof createClient>;

/**
 * Picks the transport for this page: IPC inside Electron, the bridge in a browser. In a browser the
 * address may carry a one-time launch code: it leaves the address bar at once and is exchanged for
 * the session cookie. A reload has no code and needs none; the cookie is already there.
 */
export function defaultClient(): Client {
  const preload = (window as unknown as { waybill?: PreloadShape }).waybill;
  if (preload) return createClient(ipcTransport(preload));
  const code = new URLSearchParams(window.location.hash.slice(1)).get('code');
  if (window.location.hash) history.replaceState(null, '', window.location.pathname + window.location.search);
  const json = { method: 'POST', headers: { 'Content-Type': 'application/json' } };
  const ready = code
    ? (async () => {
        // Already in session (a tab reopened from history with its old code): presenting that used
        // code again would end the session, so it is exchanged only when there is none.
        // Asked of GET /api/session, which answers 200 either way: probing with an API call before the
        // exchange was a 403 in the console on every first load.
        const probe = await fetch('/api/session', { headers: { Accept: 'application/json' } });
        const held = probe.ok && ((await probe.json()) as { value?: { session?: boolean } }).value?.session === true;
        if (held) return;
        await fetch('/api/session', { ...json, body: JSON.stringify({ code }) });
      })()
    : Promise.resolve();
  return createClient(bridgeTransport(ready));
}
