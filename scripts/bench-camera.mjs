#!/usr/bin/env node
// Benchmark (not a test): what the live camera's per-frame check costs
// against the time it has. The widget's preview runs on a blurred document
// (never captured, so it keeps analysing) from Chromium's fake camera; each
// analysed frame reports how long the draw, the pixel read and the quality
// gate took (`data-frame-ms`) and the frames' timestamps give the interval
// between two analyses. Printed per camera size, without and with a 4x CPU
// slowdown (a mid-range phone): the analysis time's median and spread, the
// interval, the share of the main thread the analysis takes (the widget keeps
// it within 25 %), and the analysis against one video frame (33 ms at 30 fps).
//
//   node scripts/bench-camera.mjs        # needs a sandbox with --admin --demo-dir dist
//   BENCH_FRAMES=60 node scripts/bench-camera.mjs
//
// Exits 0 whatever the figures are; exits 2 only if it could not measure.
import * as sandbox from '../tests/e2e/lib/sandbox.mjs';
import { openDemo } from '../tests/e2e/lib/browser.mjs';
import { fakeCamera, launchWithCamera } from '../tests/e2e/lib/camera.mjs';

const FRAMES = Number(process.env.BENCH_FRAMES || 40);
const CASES = [
  { size: '1600x1200', slot: 'id_file', throttle: 1 },
  { size: '1600x1200', slot: 'id_file', throttle: 4 },
  { size: '1280x720', slot: 'id_file', throttle: 1 },
  { size: '640x480', slot: 'liveness_check_file', throttle: 1 },
];

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (at - lo);
};
const round = (x) => Math.round(x * 10) / 10;

async function measure({ size, slot, throttle }) {
  const browser = await launchWithCamera(fakeCamera('blur_sigma20_jpg', { size, specs: ['blur_sigma20.jpg'] }));
  try {
    const page = await browser.newPage();
    if (throttle > 1) {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
    }
    await openDemo(page, { customer: await sandbox.freshCustomer('cus_bench_camera') }, { timeout: 60000 });
    await page.selectOption('[data-testid=doc-type]', 'drivers_license');
    await page.click(`[data-testid=camera-${slot}]`);
    await page.waitForSelector('[data-testid=camera-view][data-phase=live]', { timeout: 60000 });
    // One sample per analysed frame, stamped in the page when data-frames changes.
    const samples = await page.evaluate((want) => new Promise((resolve, reject) => {
      const view = document.querySelector('[data-testid=camera-view]');
      const out = [];
      let last = Number(view.dataset.frames);
      const observer = new MutationObserver(() => {
        const frames = Number(view.dataset.frames);
        if (frames === last) return;
        last = frames;
        out.push({ at: performance.now(), ms: Number(view.dataset.frameMs), phase: view.dataset.phase });
        if (out.length >= want) { observer.disconnect(); resolve(out); }
      });
      observer.observe(view, { attributes: true, attributeFilter: ['data-frames'] });
      setTimeout(() => { observer.disconnect(); reject(new Error(`only ${out.length} frames in 120 s`)); }, 120000);
    }), FRAMES);
    const ms = samples.slice(1).map((s) => s.ms);
    const gaps = samples.slice(1).map((s, i) => s.at - samples[i].at);
    const medMs = quantile(ms, 0.5);
    const medGap = quantile(gaps, 0.5);
    return {
      label: `${size} ${slot === 'id_file' ? 'document' : 'selfie'}${throttle > 1 ? `, CPU ${throttle}x slower` : ''}`,
      line: `analysis median ${round(medMs)} ms (p10 ${round(quantile(ms, 0.1))}, p90 ${round(quantile(ms, 0.9))}); `
        + `interval median ${Math.round(medGap)} ms; main-thread share ${Math.round((100 * medMs) / medGap)} %; `
        + `${round(medMs / (1000 / 30))} video frames at 30 fps`,
    };
  } finally {
    await browser.close();
  }
}

try {
  await sandbox.waitUp();
  console.log(`camera frame analysis, ${FRAMES} frames per case (a blurred document: never captured, analysed throughout)`);
  for (const c of CASES) {
    const r = await measure(c);
    console.log(`  ${r.label.padEnd(36)} ${r.line}`);
  }
} catch (e) {
  console.error(`bench-camera: could not measure: ${e.message}`);
  process.exit(2);
}
