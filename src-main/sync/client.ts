import { readSse } from '../../src-shared/sse';
// The workstation's HTTP client for the backend contract (resources/openapi.yaml).

export interface FeedItem {
  /** Line number in the page, for quarantine reports. */
  line: number;
  cursor: number | null;
  /** The case, or why the line could not be read. */
  value: unknown;
  error: string | null;
  raw: string;
}

export interface FeedPage {
  items: FeedItem[];
  next: number;
  hasMore: boolean;
}

export class BackendError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown = null,
  ) {
    super(message);
    this.name = 'BackendError';
  }
}

const TIMEOUT_MS = 15_000;

/** Socket-level codes that mean the connection was dropped under us, not that the backend refused or timed out. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/**
 * True when a request failed because its connection was reset: typically a kept-alive socket the
 * server had already closed, reused after a long synchronous stretch (undici reports "fetch failed"
 * or "terminated" with the socket error as its cause). A refused connection or a timeout is not a
 * reset: the backend is down or slow, and the caller's offline handling applies.
 */
export function isConnectionReset(e: unknown): boolean {
  for (let err: unknown = e, depth = 0; err instanceof Error && depth < 4; err = err.cause, depth++) {
    const code: unknown = Reflect.get(err, 'code');
    if (typeof code === 'string' && RESET_CODES.has(code)) return true;
  }
  return false;
}

/**
 * Runs an idempotent request (a GET, or a POST carrying an Idempotency-Key) and runs it once more if
 * its connection was reset: the second attempt opens a fresh connection. Only once, so a backend
 * that really drops every connection still surfaces as an error.
 */
export async function retryOnReset<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (e) {
    if (!isConnectionReset(e)) throw e;
    return request();
  }
}

export class BackendClient {
  constructor(
    readonly url: string,
    private readonly token: string,
    private readonly analyst: string,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { Authorization: `Bearer ${this.token}`, 'X-Analyst': this.analyst, ...extra };
  }

  async changes(after: number, limit = 500): Promise<FeedPage> {
    // The whole page is read inside the retry: a reset can also cut the body short.
    const text = await retryOnReset(async () => {
      const res = await fetch(`${this.url}/v1/changes?after=${after}&limit=${limit}`, { headers: this.headers(), signal: AbortSignal.timeout(60_000) });
      if (!res.ok) throw new BackendError(res.status, `changes feed answered ${res.status}`);
      return res.text();
    });
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    const last = lines.pop();
    let tail: { next?: unknown; hasMore?: unknown };
    try {
      tail = JSON.parse(last ?? '') as { next?: unknown; hasMore?: unknown };
    } catch {
      // Without the page's closing line we cannot know how far it reached: retry the page later.
      throw new BackendError(502, 'the changes page has no readable closing line');
    }
    if (typeof tail.next !== 'number' || typeof tail.hasMore !== 'boolean') throw new BackendError(502, 'the changes page closes without next/hasMore');
    const items: FeedItem[] = lines.map((raw, i) => {
      try {
        const v = JSON.parse(raw) as { cursor?: unknown; case?: unknown };
        return { line: i + 1, cursor: typeof v.cursor === 'number' ? v.cursor : null, value: v.case, error: null, raw };
      } catch (e) {
        const pos = /position (\d+)/.exec(e instanceof Error ? e.message : '');
        const cursor = /^\{"cursor":(\d+)/.exec(raw);
        return { line: i + 1, cursor: cursor ? Number(cursor[1]) : null, value: null, error: `not valid JSON${pos ? ` (at character ${Number(pos[1]) + 1})` : ''}`, raw };
      }
    });
    return { items, next: tail.next, hasMore: tail.hasMore };
  }

  /** Every push carries an Idempotency-Key, so sending it again after a reset cannot apply it twice. */
  async post(path: string, idempotencyKey: string, body: unknown, ifMatch?: number): Promise<{ status: number; body: unknown }> {
    return retryOnReset(async () => {
      const res = await fetch(`${this.url}${path}`, {
        method: 'POST',
        headers: this.headers({ 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey, ...(ifMatch !== undefined ? { 'If-Match': `"${ifMatch}"` } : {}) }),
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const text = await res.text();
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Not JSON (an empty 204, a proxy's HTML page): the status says what happened.
        parsed = null;
      }
      return { status: res.status, body: parsed };
    });
  }

  async get(path: string): Promise<unknown> {
    return retryOnReset(async () => {
      const res = await fetch(`${this.url}${path}`, { headers: this.headers(), signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (!res.ok) throw new BackendError(res.status, `${path} answered ${res.status}`);
      return res.json();
    });
  }

  /** Live notifications (server-sent events), read through fetch so the token stays in a header. */
  async events(onChange: (cursor: number) => void, signal: AbortSignal): Promise<void> {
    const res = await fetch(`${this.url}/v1/events`, { headers: this.headers(), signal });
    if (!res.ok || !res.body) throw new BackendError(res.status, 'events stream refused');
    await readSse(res.body, (data) => {
      try {
        const c = (JSON.parse(data) as { cursor?: unknown }).cursor;
        if (typeof c === 'number') onChange(c);
      } catch {
        // A malformed notification only means: look at the feed.
        onChange(-1);
      }
    });
  }
}
