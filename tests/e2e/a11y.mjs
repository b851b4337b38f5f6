// axe-core in the page: WCAG 2.0/2.1 level A and AA rules, run on what is on
// screen. Injected through an init script of the browser context, which the
// page's Content-Security-Policy does not govern.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The rule tags checked: every WCAG 2.1 A and AA success criterion axe tests. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Makes axe-core available in every page of `context` (call before `goto`). */
export async function enableAxe(context) {
  await context.addInitScript({ content: AXE_SOURCE });
}

/**
 * Runs axe on the page and returns its violations, each as
 * `{ id, impact, help, nodes: [selector, …] }` (short, for assertion messages).
 */
export async function violations(page) {
  const result = await page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const run = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return run.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}${n.failureSummary ? ` — ${n.failureSummary.split('\n').slice(1).join(' ').trim()}` : ''}`),
    }));
  }, WCAG_TAGS);
  return result;
}

/** A readable list of violations for an assertion message. */
export function describe(found) {
  return found
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.slice(0, 8).map((n) => `    ${n}`).join('\n')}${v.nodes.length > 8 ? `\n    … ${v.nodes.length - 8} more` : ''}`)
    .join('\n');
}
