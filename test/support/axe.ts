import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
  /** The first offending element's selector: where to look. */
  where: string;
}

/**
 * Runs axe-core (WCAG 2.1 A/AA rules) in the page and returns serious and critical violations.
 * Injected through the DevTools protocol, so the page's CSP stays as strict as it ships.
 */
export async function axeViolations(page: Page, context = 'body'): Promise<AxeViolation[]> {
  const result = (await page.evaluate(`(async () => {
    ${source}
    const r = await axe.run(document.querySelector(${JSON.stringify(context)}), { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, where: String(v.nodes[0]?.target ?? '') }));
  })()`)) as AxeViolation[];
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
