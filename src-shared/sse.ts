// Server-sent events, read through fetch (so a token can travel in a header, never in a URL).
// Both the sync client (backend → core) and the UI (core → renderer) read streams this way.

/** Splits complete frames off the buffer; returns each frame's `data:` text and what is left over. */
export function takeSseData(buffer: string): { data: string[]; rest: string } {
  const data: string[] = [];
  let rest = buffer;
  let cut: number;
  while ((cut = rest.indexOf('\n\n')) >= 0) {
    const frame = rest.slice(0, cut);
    rest = rest.slice(cut + 2);
    const line = frame.split('\n').find((l) => l.startsWith('data: '));
    if (line) data.push(line.slice(6));
  }
  return { data, rest };
}

/** The part of a fetch body (WHATWG ReadableStream, in Node or a browser) that is used here. */
export interface ByteStream {
  getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }> };
}

/** Reads a stream of events to its end, calling `onData` with each frame's data. */
export async function readSse(body: ByteStream, onData: (data: string) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    const r = takeSseData(buf + decoder.decode(value, { stream: true }));
    buf = r.rest;
    r.data.forEach(onData);
  }
}
