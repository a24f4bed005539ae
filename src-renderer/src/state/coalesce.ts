/**
 * `fn` run at most once every `gapMs` however often the returned function is called: the first call after
 * a quiet spell runs at once, calls during the gap make one more run at its end, and the next run waits
 * for the one before to finish. None is lost: a call always has a run that starts after it.
 */
export function coalesce(fn: () => Promise<unknown> | void, gapMs: number): () => void {
  let last = -Infinity;
  let running = false;
  let pending = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const schedule = () => {
    if (running || timer) return;
    const wait = last + gapMs - Date.now();
    if (wait > 0) {
      timer = setTimeout(() => {
        timer = null;
        schedule();
      }, wait);
      return;
    }
    pending = false;
    running = true;
    last = Date.now();
    const done = () => {
      running = false;
      if (pending) schedule();
    };
    try {
      void Promise.resolve(fn()).then(done, done);
    } catch {
      done();
    }
  };
  return () => {
    pending = true;
    schedule();
  };
}
