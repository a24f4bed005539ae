import { isPageEnd } from '../../src-shared/backend';
import { readSse } from '../../src-shared/sse';
import { readJsonLines } from '../input/json-lines';
import { parseJsonBounded } from '../input/limits';
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

/**
 * A line as fetched before it is parsed (`changes(…, { parse: false })`): its cursor is known, its case
 * is not yet read. The intake's worker threads parse it themselves (cases/intake-pool.ts rawOf), so the
 * pull's thread need not (a page of 500 cases: ~8 ms of that thread's time); feedItem reads it here.
 */
export interface FeedLine {
  line: number;
  cursor: number | null;
  /** Why the transport refused the line (too long, not UTF-8), or null. */
  error: string | null;
  raw: string;
}

/** The cursor a line's text begins with, as cursorOf reads a line that is not JSON. */
const looseCursor = (raw: string): number | null => {
  const c = /^\{"cursor":(\d+)/.exec(raw);
  return c ? Number(c[1]) : null;
};

/**
 * The line's cursor without parsing it, where that is certainly what parsing gives: an integer of at
 * most 15 digits in JSON's own form as the first member, and no other "cursor" in the text (a repeated
 * key: JSON.parse keeps the last). Anything else is parsed, as feedItem does.
 */
function cursorOf(raw: string): number | null {
  const c = /^\{"cursor":(0|[1-9]\d{0,14})[,}]/.exec(raw);
  if (c && raw.indexOf('"cursor"', 2) === -1) return Number(c[1]);
  return feedItem({ line: 0, cursor: null, error: null, raw }).cursor;
}

/** A fetched line read: its case parsed (depth-bounded), or why it cannot be. */
export function feedItem(l: FeedLine): FeedItem {
  const { line, raw } = l;
  if (l.error !== null) return { line, cursor: looseCursor(raw), value: null, error: l.error, raw };
  const parsed = parseJsonBounded(raw);
  if (!parsed.ok) return { line, cursor: looseCursor(raw), value: null, error: parsed.reason, raw };
  const v = parsed.value as { cursor?: unknown; case?: unknown } | null;
  return { line, cursor: typeof v?.cursor === 'number' ? v.cursor : null, value: v?.case, error: null, raw };
}

export interface FeedPage<T = FeedItem> {
  items: T[];
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
/** A changes page read from a backend: past this the page is refused (a page of 500 cases is a few MB). */
export const MAX_PAGE_BYTES = 64 * 1024 * 1024;
/** Any other JSON answer (a POST's outcome, a lookup). */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** One live notification from the backend, and what may buffer toward one: it only carries a cursor. */
export const MAX_EVENT_CHARS = 64 * 1024;

/** A response body as bytes, counted as it arrives and refused past `max`: a backend cannot fill our memory. */
async function* boundedBody(res: Response, max: number, what: string): AsyncGenerator<Uint8Array> {
  if (!res.body) return;
  let seen = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    seen += chunk.length;
    if (seen > max) {
      // Only to stop the download: the size error below is what the caller sees.
      await res.body.cancel().catch(() => {});
      throw new BackendError(502, `${what} is larger than ${max} bytes`);
    }
    yield chunk;
  }
}

async function boundedJson(res: Response, max: number, what: string): Promise<unknown> {
  const chunks: Uint8Array[] = [];
  for await (const c of boundedBody(res, max, what)) chunks.push(c);
  const parsed = parseJsonBounded(Buffer.concat(chunks).toString('utf8'));
  if (!parsed.ok) throw new BackendError(502, `${what} cannot be read: ${parsed.reason}`);
  return parsed.value;
}

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

  /**
   * Which case store answers at this address: its `backendId`, or its origin when it names none (a backend
   * from before the field). Anything that is not a short printable string is refused by name.
   */
  async identity(): Promise<string> {
    const body = await this.get('/v1/health');
    const id: unknown = typeof body === 'object' && body !== null ? Reflect.get(body, 'backendId') : undefined;
    if (id === undefined) return `url:${new URL(this.url).origin}`;
    if (typeof id !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(id))
      throw new BackendError(502, '/v1/health answered a backendId that is not 1-200 printable ASCII characters');
    return id;
  }

  async changes(after: number, limit?: number): Promise<FeedPage>;
  async changes(after: number, limit: number, o: { parse: false }): Promise<FeedPage<FeedLine>>;
  async changes(after: number, limit = 500, o: { parse?: boolean } = {}): Promise<FeedPage<FeedItem | FeedLine>> {
    // The whole page is read inside the retry (a reset can also cut the body short), line by line as
    // bytes: each line within the line limit and strict UTF-8, the page within MAX_PAGE_BYTES.
    const read = await retryOnReset(async () => {
      const res = await fetch(`${this.url}/v1/changes?after=${after}&limit=${limit}`, {
        headers: this.headers(),
        signal: AbortSignal.timeout(60_000),
      });
      if (!res.ok) throw new BackendError(res.status, `changes feed answered ${res.status}`);
      const lines: { line: number; text: string | null; error: string | null; raw: string }[] = [];
      for await (const l of readJsonLines(boundedBody(res, MAX_PAGE_BYTES, 'the changes page'))) {
        lines.push(
          l.ok
            ? { line: l.line, text: l.text, error: null, raw: l.text }
            : { line: l.line, text: null, error: l.reason, raw: l.raw },
        );
      }
      return lines;
    });
    const last = read.pop();
    let tail: unknown;
    try {
      tail = JSON.parse(last?.text ?? '');
    } catch {
      // Without the page's closing line we cannot know how far it reached: retry the page later.
      throw new BackendError(502, 'the changes page has no readable closing line');
    }
    if (!isPageEnd(tail)) throw new BackendError(502, 'the changes page closes without next/hasMore');
    const lines = read.map(({ line, text, error, raw }): FeedLine => ({ line, cursor: null, error, raw: text ?? raw }));
    const items =
      o.parse === false
        ? lines.map((l) => ({ ...l, cursor: l.error === null ? cursorOf(l.raw) : looseCursor(l.raw) }))
        : lines.map(feedItem);
    return { items, next: tail.next, hasMore: tail.hasMore };
  }

  /** Every push carries an Idempotency-Key, so sending it again after a reset cannot apply it twice. */
  async post(
    path: string,
    idempotencyKey: string,
    body: unknown,
    ifMatch?: number,
  ): Promise<{ status: number; body: unknown }> {
    return retryOnReset(async () => {
      const res = await fetch(`${this.url}${path}`, {
        method: 'POST',
        headers: this.headers({
          'Content-Type': 'application/json',
          'Idempotency-Key': idempotencyKey,
          ...(ifMatch !== undefined ? { 'If-Match': `"${ifMatch}"` } : {}),
        }),
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      let parsed: unknown = null;
      try {
        parsed = await boundedJson(res, MAX_RESPONSE_BYTES, `the answer to ${path}`);
      } catch (e) {
        // A reset is retried; anything else that is not JSON (an empty 204, a proxy's HTML page, an
        // answer past the limit) leaves the status to say what happened.
        if (isConnectionReset(e)) throw e;
        parsed = null;
      }
      return { status: res.status, body: parsed };
    });
  }

  /** A request without a body or idempotency key (DELETE of a team member, which is idempotent by nature). */
  async send(method: 'DELETE', path: string): Promise<{ status: number; body: unknown }> {
    return retryOnReset(async () => {
      const res = await fetch(`${this.url}${path}`, {
        method,
        headers: this.headers(),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const parsed = await boundedJson(res, MAX_RESPONSE_BYTES, `the answer to ${path}`).catch((e: unknown) => {
        if (isConnectionReset(e)) throw e;
        return null;
      });
      return { status: res.status, body: parsed };
    });
  }

  async get(path: string): Promise<unknown> {
    return retryOnReset(async () => {
      const res = await fetch(`${this.url}${path}`, {
        headers: this.headers(),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!res.ok) throw new BackendError(res.status, `${path} answered ${res.status}`);
      return boundedJson(res, MAX_RESPONSE_BYTES, `the answer to ${path}`);
    });
  }

  /**
   * Live notifications (server-sent events), read through fetch so the token stays in a header. An
   * event (or what buffers toward one) past MAX_EVENT_CHARS ends the stream with SseStreamError; the
   * engine logs that name and reconnects, and polling carries on meanwhile.
   */
  async events(onChange: (cursor: number) => void, signal: AbortSignal): Promise<void> {
    const res = await fetch(`${this.url}/v1/events`, { headers: this.headers(), signal });
    if (!res.ok || !res.body) throw new BackendError(res.status, 'events stream refused');
    await readSse(
      res.body,
      (data) => {
        const parsed = parseJsonBounded(data);
        // A malformed notification only means: look at the feed.
        if (!parsed.ok) return onChange(-1);
        const c = (parsed.value as { cursor?: unknown } | null)?.cursor;
        if (typeof c === 'number') onChange(c);
      },
      { maxEventSize: MAX_EVENT_CHARS },
    );
  }
}
