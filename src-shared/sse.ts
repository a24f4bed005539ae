import { createParser, type EventSourceMessage, type ParseError } from 'eventsource-parser';

// Server-sent events, read through fetch (so a token can travel in a header, never in a URL).
// Both the sync client (backend → core) and the UI (core → renderer) read streams this way. The
// framing is eventsource-parser's (the WHATWG rules: CR, LF or CRLF line ends, `data:` with or
// without its space, multi-line data joined by LF, `id`, `retry`, comments): the sync client reads a
// third party's backend, which need not frame events the way ours does.

export type SseEvent = EventSourceMessage;

/** How much one event (or one unterminated line) may buffer before the stream is refused: a hostile or broken server cannot grow it without bound. */
export const SSE_MAX_BUFFER = 1024 * 1024;

export class SseStreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SseStreamError';
  }
}

/** The part of a fetch body (WHATWG ReadableStream, in Node or a browser) that is used here. */
export interface ByteStream {
  getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel?(): Promise<void> };
}

export interface SseHandlers {
  /** The server's reconnection delay (`retry:`), in milliseconds. */
  onRetry?: (ms: number) => void;
  /**
   * The most characters one event's data (and what is buffered toward it) may hold; past it the stream
   * is refused with SseStreamError. Default SSE_MAX_BUFFER; a reader that expects small events sets less.
   */
  maxEventSize?: number;
}

/** Text is fed to the parser in slices of this: it checks its buffer only between feeds, so a huge chunk cannot hide an event far past the limit. */
const FEED_SLICE = 16 * 1024;

/** Reads a stream of events to its end, calling `onData` with each event's data (and the whole event). */
export async function readSse(
  body: ByteStream,
  onData: (data: string, event: SseEvent) => void,
  handlers: SseHandlers = {},
): Promise<void> {
  const max = handlers.maxEventSize ?? SSE_MAX_BUFFER;
  let failure: string | null = null;
  const parser = createParser({
    onEvent: (e) => {
      if (failure) return;
      // The parser's own check runs after a feed; an event completed inside one slice is measured here.
      if (e.data.length > max)
        failure = `The event stream sent an event of ${e.data.length} characters, larger than the limit of ${max}.`;
      else onData(e.data, e);
    },
    ...(handlers.onRetry ? { onRetry: handlers.onRetry } : {}),
    onError: (e: ParseError) => {
      // An unknown field or a bad retry value is ignored, as the standard says; a runaway buffer ends the stream.
      if (e.type === 'max-buffer-size-exceeded')
        failure ??= `The event stream buffered more than ${max} characters without ending an event.`;
    },
    maxBufferSize: max,
  });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let endsInCr = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      // A final CR is a whole line end (the parser waits to see whether LF follows): say no LF comes.
      if (endsInCr) parser.feed('\n');
      return;
    }
    const text = decoder.decode(value, { stream: true });
    if (text) endsInCr = text.endsWith('\r');
    for (let i = 0; i < text.length && !failure; i += FEED_SLICE)
      parser.feed(text.length > FEED_SLICE ? text.slice(i, i + FEED_SLICE) : text);
    if (failure) {
      // Stop the download: the rest of a refused event is never received.
      await reader.cancel?.().catch(() => {});
      throw new SseStreamError(failure);
    }
  }
}
