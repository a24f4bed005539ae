import { BRIDGE_TOKEN_HEADER } from '../../../src-shared/channels';
import { readSse } from '../../../src-shared/sse';
import type {
  EventName,
  Events,
  InputOf,
  MethodName,
  OutputOf,
} from '../../../src-shared/contract';
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

/** Server-sent events read through fetch, so the token travels in a header and never in a URL. */
export function bridgeTransport(token: string, base = ''): Transport {
  const headers = { 'Content-Type': 'application/json', [BRIDGE_TOKEN_HEADER]: token };
  return {
    async invoke(method, input) {
      try {
        const res = await fetch(`${base}/api/invoke/${method}`, { method: 'POST', headers, body: JSON.stringify(input ?? {}) });
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

const TOKEN_KEY = 'waybill.bridgeToken';

/** Picks the transport for this page: IPC inside Electron, the bridge in a browser. */
export function defaultClient(): Client {
  const preload = (window as unknown as { waybill?: PreloadShape }).waybill;
  if (preload) return createClient(ipcTransport(preload));
  const fromHash = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    // Drop the token from the address bar (and so from history and screenshots).
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return createClient(bridgeTransport(sessionStorage.getItem(TOKEN_KEY) ?? ''));
}
