import { describe, expect, it } from 'vitest';
import { readSse, takeSseData } from './sse';

describe('server-sent events', () => {
  it('takes whole frames and keeps a partial one for later', () => {
    expect(takeSseData('event: x\ndata: {"a":1}\n\ndata: {"b"')).toEqual({ data: ['{"a":1}'], rest: 'data: {"b"' });
    expect(takeSseData(': keep-alive\n\n')).toEqual({ data: [], rest: '' });
  });

  it('reads frames split across chunks at any byte', async () => {
    const text = 'data: {"cursor":1}\n\ndata: {"cursor":22}\n\n: ping\n\ndata: ünï\n\n';
    const bytes = new TextEncoder().encode(text);
    for (const size of [1, 3, 7, bytes.length]) {
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < bytes.length; i += size) c.enqueue(bytes.slice(i, i + size));
          c.close();
        },
      });
      const got: string[] = [];
      await readSse(body, (d) => got.push(d));
      expect(got).toEqual(['{"cursor":1}', '{"cursor":22}', 'ünï']);
    }
  });
});
