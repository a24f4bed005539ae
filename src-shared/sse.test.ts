import { describe, expect, it } from 'vitest';
import { readSse, SSE_MAX_BUFFER, SseStreamError, type SseEvent } from './sse';

function stream(text: string, size: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < bytes.length; i += size) c.enqueue(bytes.slice(i, i + size));
      c.close();
    },
  });
}

async function read(text: string, size = 1 << 20): Promise<{ data: string[]; events: SseEvent[]; retries: number[] }> {
  const data: string[] = [];
  const events: SseEvent[] = [];
  const retries: number[] = [];
  await readSse(stream(text, size), (d, e) => (data.push(d), events.push(e)), { onRetry: (ms) => retries.push(ms) });
  return { data, events, retries };
}

describe('server-sent events', () => {
  it('reads frames split across chunks at any byte', async () => {
    const text = 'data: {"cursor":1}\n\ndata: {"cursor":22}\n\n: ping\n\ndata: ünï\n\n';
    for (const size of [1, 3, 7, 1000])
      expect((await read(text, size)).data).toEqual(['{"cursor":1}', '{"cursor":22}', 'ünï']);
  });

  it('keeps a partial frame until it ends, and drops one the stream never finished', async () => {
    expect((await read('event: x\ndata: {"a":1}\n\ndata: {"b"')).data).toEqual(['{"a":1}']);
    expect((await read(': keep-alive\n\n')).data).toEqual([]);
  });

  it('frames with CRLF and with bare CR line ends (a third-party backend on another stack)', async () => {
    for (const size of [1, 2, 1000]) {
      expect((await read('data: {"cursor":5}\r\n\r\ndata: {"cursor":6}\r\n\r\n', size)).data).toEqual([
        '{"cursor":5}',
        '{"cursor":6}',
      ]);
      expect((await read('data: a\r\rdata: b\r\r', size)).data).toEqual(['a', 'b']);
    }
  });

  it('reads `data:` without the space after the colon (only one leading space is ever removed)', async () => {
    expect((await read('data:{"cursor":7}\n\ndata:  two\n\n')).data).toEqual(['{"cursor":7}', ' two']);
  });

  it('joins multi-line data with LF', async () => {
    expect((await read('data: {"cursor":\ndata: 8}\n\n')).data).toEqual(['{"cursor":\n8}']);
  });

  it('carries id, event and retry', async () => {
    const r = await read('retry: 2500\nid: 41\nevent: change\ndata: x\n\ndata: y\n\nretry: soon\n\n');
    expect(r.events[0]).toMatchObject({ id: '41', event: 'change', data: 'x' });
    expect(r.events[1]).toMatchObject({ data: 'y' }); // the id is the stream's last one; the event type resets
    expect(r.events[1]?.event).toBeUndefined();
    expect(r.retries).toEqual([2500]); // a retry that is not a number is ignored
  });

  it('refuses a stream that never ends its event, by name, instead of buffering without bound', async () => {
    const huge = 'data: ' + 'x'.repeat(SSE_MAX_BUFFER + 10);
    await expect(read(huge, 64 * 1024)).rejects.toBeInstanceOf(SseStreamError);
  });
});

describe('server-sent events: the size of one event (issue 17 follow-up)', () => {
  it('refuses an event past maxEventSize even when it arrives whole in one chunk, and hands on none of it', async () => {
    const data: string[] = [];
    const big = 'data: ' + 'x'.repeat(SSE_MAX_BUFFER + 10) + '\n\ndata: after\n\n';
    await expect(readSse(stream(big, big.length), (d) => data.push(d))).rejects.toThrow(
      `The event stream sent an event of ${SSE_MAX_BUFFER + 10} characters, larger than the limit of ${SSE_MAX_BUFFER}.`,
    );
    expect(data).toEqual([]);
    const small: string[] = [];
    await expect(
      readSse(stream('data: ok\n\ndata: ' + 'z'.repeat(101) + '\n\n', 1 << 20), (d) => small.push(d), {
        maxEventSize: 100,
      }),
    ).rejects.toBeInstanceOf(SseStreamError);
    expect(small).toEqual(['ok']);
  });
});
