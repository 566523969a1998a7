// axe-core (tests/e2e/node_modules/axe-core, pinned in package.json) run in the
// page: WCAG 2.0/2.1 A and AA plus WCAG 2.2 AA rules, on the widget root.
//
// The demo page has a strict Content-Security-Policy (no inline script), so a
// <script> with inline content is refused there unless the context was made with
// `bypassCSP: true`; `injectAxe` then evaluates the source through the DevTools
// protocol instead, which the page's CSP does not govern.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const AXE_PATH = path.resolve(here, '..', 'node_modules', 'axe-core', 'axe.min.js');
let source = null;

/** The axe-core script (read once). */
export function axeSource() {
  if (source === null) {
    if (!fs.existsSync(AXE_PATH)) {
      throw new Error(`${AXE_PATH} is missing: run \`npm ci\` in tests/e2e (axe-core is a devDependency)`);
    }
    source = fs.readFileSync(AXE_PATH, 'utf8');
  }
  return source;
}

/** The rule tags every check runs: WCAG 2.0 A/AA, 2.1 A/AA, 2.2 AA. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Puts `window.axe` into the page (once per document). Returns how: 'present', 'script-tag' or 'evaluate'. */
export async function injectAxe(page) {
  if (await page.evaluate(() => typeof window.axe?.run === 'function')) return 'present';
  const src = axeSource();
  try {
    await page.addScriptTag({ content: src });
    if (await page.evaluate(() => typeof window.axe?.run === 'function')) return 'script-tag';
  } catch { /* refused by the page's CSP: evaluate below */ }
  // axe.min.js ends with `window.axe = axe`; evaluated as an expression it runs whole.
  await page.evaluate(`${src}\n;void 0`);
  if (!(await page.evaluate(() => typeof window.axe?.run === 'function'))) {
    throw new Error('could not inject axe-core into the page (neither a script tag nor evaluate defined window.axe)');
  }
  return 'evaluate';
}

/**
 * Runs axe on `root` (a CSS selector; `null` = the whole document) and returns its
 * violations, each `{id, impact, help, helpUrl, tags, nodes: [{target, html, summary}]}`.
 * Throws when `root` is not in the page (a check of nothing passes silently otherwise).
 */
export async function runAxe(page, { root = '.kyc-upload', tags = WCAG_TAGS, rules = undefined } = {}) {
  await injectAxe(page);
  return page.evaluate(async ({ root, tags, rules }) => {
    const context = root ? document.querySelector(root) : document;
    if (!context) throw new Error(`axe: no element matches ${root}`);
    const options = { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] };
    if (rules) options.rules = rules;
    const result = await window.axe.run(context, options);
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      tags: v.tags.filter((t) => /^wcag\d/.test(t)),
      nodes: v.nodes.map((n) => ({
        target: n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' '),
        html: n.html.length > 160 ? `${n.html.slice(0, 157)}...` : n.html,
        summary: (n.failureSummary || '').replace(/\s+/g, ' ').trim(),
      })),
    }));
  }, { root, tags, rules });
}

/** A readable report: one block per violated rule, one line per element. */
export function formatViolations(violations, { label = '' } = {}) {
  if (!violations.length) return `${label ? `${label}: ` : ''}no axe violations`;
  const lines = [`${label ? `${label}: ` : ''}${violations.length} axe rule(s) violated`];
  for (const v of violations) {
    lines.push(`- ${v.id} [${v.impact}] ${v.help} (${v.tags.join(', ')}) ${v.helpUrl}`);
    for (const n of v.nodes) {
      lines.push(`    at ${n.target}`);
      lines.push(`       ${n.html}`);
      if (n.summary) lines.push(`       ${n.summary}`);
    }
  }
  return lines.join('\n');
}

/** One line per rule: `id (impact) x N: target, target`. For summaries across states. */
export function shortViolations(violations) {
  return violations.map((v) => `${v.id} (${v.impact}) x${v.nodes.length}: ${v.nodes.map((n) => n.target).join(', ')}`);
}
