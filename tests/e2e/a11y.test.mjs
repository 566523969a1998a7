// Accessibility of every state of the widget, in the real built demo page
// against the sandbox: axe-core (WCAG 2.0/2.1 A+AA, 2.2 AA rules) on the widget
// root at a phone width (390x844), a desktop width (1280x800) and in the dark
// color scheme at the phone width, and reflow at
// 320 px (WCAG 1.4.10: nothing scrolls sideways, nothing in the widget is wider
// than the viewport). Each state is reached once (lib/states.mjs) and measured at
// the three widths by resizing the viewport; a transient state (uploading) is
// checked to still hold after the measurements.
//
// A summary of every state goes to target/test-logs/a11y-report.txt.
// A11Y_STATES=empty,uploading checks only those states (names: lib/states.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as sandbox from './lib/sandbox.mjs';
import { launch, recordConsole, writeTestLog } from './lib/browser.mjs';
import { runAxe, formatViolations, shortViolations } from './lib/axe.mjs';
import {
  STATES, PHONE, DESKTOP, NARROW, newContext, browserFor, frames, overflowReport, formatOverflow, overflowSummary,
} from './lib/states.mjs';

const ONLY = process.env.A11Y_STATES ? new Set(process.env.A11Y_STATES.split(',')) : null;
const WIDTHS = [['390x844', PHONE], ['1280x800', DESKTOP]];
// The dark scheme's default colors, checked at the phone width.
const DARK = '390x844 dark';

let browser;
const report = [];

before(async () => {
  await sandbox.waitUp();
  await sandbox.clearFaults();
  browser = await launch();
});
after(async () => {
  await sandbox.clearFaults().catch(() => {});
  await browser?.close();
  if (!report.length) return;
  const text = ['accessibility per state (axe rule x elements; overflow at 320 px)', ...report].join('\n');
  console.log(text);
  writeTestLog('a11y-report.txt', text);
});

for (const state of STATES) {
  if (ONLY && !ONLY.has(state.name)) continue;
  test(`${state.name}: ${state.what}`, async (t) => {
    const own = await browserFor(state, browser);
    const context = await newContext(own.browser, PHONE);
    const page = await context.newPage();
    const consoleLines = recordConsole(page);
    const found = {};
    let overflow;
    let held = true;
    try {
      try {
        await state.reach(page);
      } catch (e) {
        throw new Error(`could not reach the state: ${e.message}\nconsole:\n  ${consoleLines.slice(-15).join('\n  ')}`);
      }
      for (const [label, viewport] of WIDTHS) {
        await page.setViewportSize(viewport);
        await frames(page);
        found[label] = await runAxe(page);
      }
      await page.setViewportSize(PHONE);
      await page.emulateMedia({ colorScheme: 'dark' });
      await frames(page);
      found[DARK] = await runAxe(page);
      await page.emulateMedia({ colorScheme: 'light' });
      await page.setViewportSize(NARROW);
      await frames(page);
      overflow = await overflowReport(page);
      if (state.holds) held = await state.holds(page);
    } finally {
      await context.close();
      await own.close();
      await state.cleanup?.();
    }
    const line = [`${state.name}:`];
    for (const label of [...WIDTHS.map(([l]) => l), DARK]) {
      line.push(`  ${label}: ${found[label].length ? shortViolations(found[label]).join('; ') : 'no violations'}`);
    }
    line.push(`  320: ${overflowSummary(overflow)}`);
    report.push(line.join('\n'));

    await t.test(`the measurements were taken in the state (${state.name})`, () => {
      assert.ok(held, `the page left the state "${state.name}" before the checks were done: they measured something else`);
    });
    for (const label of [...WIDTHS.map(([l]) => l), DARK]) {
      await t.test(`no axe violations at ${label}`, () => {
        assert.deepEqual(shortViolations(found[label]), [], formatViolations(found[label], { label: `${state.name} at ${label}` }));
      });
    }
    await t.test('nothing overflows at 320 px', () => {
      assert.ok(overflow.scrollWidth <= 320 && overflow.offenders.length === 0,
        `${state.name} at 320 px overflows:\n${formatOverflow(overflow)}`);
    });
  });
}
