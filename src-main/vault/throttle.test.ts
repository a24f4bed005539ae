import { describe, expect, it } from 'vitest';
import { delayAfter } from './throttle';

describe('unlock throttle', () => {
  it('allows three attempts, then doubles from 5 s up to 15 min', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 20].map(delayAfter)).toEqual([0, 0, 0, 5, 10, 20, 40, 900]);
  });
});
