// Accessibility checks with axe-core, against WCAG 2.1 A and AA.
//
// The app sends `Content-Security-Policy: script-src 'self'`, which blocks a <script> tag
// with inline content (page.addScriptTag({content})). page.evaluate(source) runs through
// the DevTools protocol, which CSP does not govern, so axe is injected that way and the
// page keeps its real CSP (no bypassCSP, which would hide the app's own CSP mistakes).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const BLOCKING = new Set(['serious', 'critical']);

async function injectAxe(page) {
  const present = await page.evaluate(() => typeof window.axe === 'object' && window.axe !== null);
  if (!present) {
    await page.evaluate(AXE_SOURCE);
  }
}

/** Run axe on the current page; resolves to axe's results object. */
export async function runAxe(page, { tags = WCAG_TAGS } = {}) {
  await page.waitForLoadState('load');
  await injectAxe(page);
  return page.evaluate(
    (values) => window.axe.run(document, { runOnly: { type: 'tag', values }, resultTypes: ['violations'] }),
    tags,
  );
}

/** Describe violations: rule id, impact, help, and every target selector. */
export function formatViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `      - ${n.target.join(' ')}${n.failureSummary ? `\n        ${n.failureSummary.replace(/\n/g, '\n        ')}` : ''}`)
        .join('\n');
      return `  * ${v.id} [${v.impact}] ${v.help} (${v.helpUrl})\n${nodes}`;
    })
    .join('\n');
}

/**
 * Fail if axe finds any serious or critical WCAG 2.1 A/AA violation on the current page.
 * Returns the minor/moderate violations, which are reported but do not fail.
 */
export async function expectNoSeriousViolations(page, label = page.url()) {
  const results = await runAxe(page);
  const blocking = results.violations.filter((v) => BLOCKING.has(v.impact));
  if (blocking.length > 0) {
    throw new Error(
      `axe: ${blocking.length} serious or critical accessibility violation(s) on ${label} (${page.url()}):\n` +
        formatViolations(blocking),
    );
  }
  return results.violations;
}
