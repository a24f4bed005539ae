import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli';

describe('README', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('opens with the two commands a new user needs, and both scripts exist', () => {
    const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1]?.trim().split('\n') ?? [];
    expect(block.map((l) => l.split('#')[0]!.trim())).toEqual([
      'npm install && npm run demo',
      'npm install && npm test',
    ]);
    const scripts = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts.demo).toBeTruthy();
    expect(scripts.test).toBeTruthy();
  });

  it('shows at least three screenshots, each of which exists', () => {
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)]+\.png)\)/g)].map((m) => m[1]!);
    expect(images.length).toBeGreaterThanOrEqual(3);
    for (const img of images) expect(existsSync(join(ROOT, img)), img).toBe(true);
  });
});
