import { describe, expect, it } from 'vitest';
import { lowerThisThread, threadId } from './thread-priority';

// That the intake's worker threads and the WAL checkpointer run at BACKGROUND_NICENESS, and the main
// thread at its own, is proven where they start: cases/intake-pool.test.ts, store/checkpointer.test.ts.
describe('lowering a thread', () => {
  it.runIf(process.platform === 'linux')("finds the calling thread's id: on the main thread, the process's", () => {
    expect(threadId()).toBe(process.pid);
  });

  it('answers false instead of failing where it cannot', () => {
    expect(lowerThisThread(Number.NaN)).toBe(false);
  });
});
