// Chromium's fake camera playing the fixture photos: a Y4M video built by
// `examples/fake_camera.rs` (cached in target/fake-camera/) and a browser
// whose only camera is that video.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, launch, photo } from './browser.mjs';

const EXAMPLE = path.join(ROOT, 'examples', 'fake_camera.rs');
const CACHE = path.join(ROOT, 'target', 'fake-camera');

/**
 * Absolute path of a Y4M video made of the fixture photos in `specs`, in
 * order: each `photo.jpg[:frames]` (default 1 frame) names a file in PHOTOS,
 * or is an absolute path. Chromium loops the video at its own resolution, so
 * `size` (WxH, both even) is the camera's resolution. `range` 'limited'
 * (default) makes the page see the photo's own pixel values; 'full' looks
 * contrastier in Chromium (see the example's docs). `zoom` < 1 shows the
 * photos small, on a grey background (a document held too far away). Built once and reused
 * while newer than the example's source and made from the same arguments (a
 * release build of the example the first time: minutes on a cold cache).
 */
export function fakeCamera(name, { size = '1600x1200', fps = 30, range = 'limited', zoom = 1, specs }) {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`fakeCamera: bad name ${JSON.stringify(name)}`);
  if (!specs?.length) throw new Error('fakeCamera: no specs');
  const out = path.join(CACHE, `${name}-${size}.y4m`);
  const args = ['--out', out, '--size', size, '--fps', String(fps), '--range', range, '--zoom', String(zoom), ...specs.map(resolveSpec)];
  const stamp = `${out}.args`;
  if (isFresh(out) && readOr(stamp) === JSON.stringify(args)) return out;

  fs.mkdirSync(CACHE, { recursive: true });
  // Write beside and rename: an interrupted run leaves no half-written video.
  const tmp = `${out}.${process.pid}.tmp`;
  const tmpArgs = args.map((a) => (a === out ? tmp : a));
  try {
    execFileSync('cargo', ['run', '--release', '--quiet', '--example', 'fake_camera', '--', ...tmpArgs], {
      cwd: ROOT, timeout: 20 * 60_000, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8',
    });
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    const why = e.stderr?.trim() || e.message;
    throw new Error(`fake_camera ${tmpArgs.join(' ')} failed:\n${why}`);
  }
  fs.renameSync(tmp, out);
  fs.writeFileSync(stamp, JSON.stringify(args));
  return out;
}

function resolveSpec(spec) {
  const [, file, frames] = /^(.*?)(:\d+)?$/.exec(spec);
  return `${path.isAbsolute(file) ? file : photo(file)}${frames ?? ''}`;
}

function isFresh(file) {
  try {
    return fs.statSync(file).mtimeMs >= fs.statSync(EXAMPLE).mtimeMs;
  } catch {
    return false;
  }
}

function readOr(file, fallback = null) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

/**
 * A browser like `launch()` whose camera plays `y4mPath`. With `grant`
 * (default) getUserMedia is allowed without a prompt; with `grant: false` it
 * rejects with NotAllowedError, as when a person blocks the camera.
 *
 * Deny, as verified with Chromium 156 headless (fake-camera.test.mjs checks
 * it on every run): without --use-fake-ui-for-media-stream headless already
 * denies camera prompts, and --deny-permission-prompts makes that explicit;
 * getUserMedia then rejects at once with NotAllowedError and
 * permissions.query({ name: 'camera' }) says 'denied'. Such a browser can
 * still allow one context: `browser.newContext({ permissions: ['camera'] })`.
 */
export function launchWithCamera(y4mPath, { grant = true, extraArgs = [] } = {}) {
  if (!fs.existsSync(y4mPath)) throw new Error(`launchWithCamera: no such video ${y4mPath}`);
  const camera = ['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4mPath}`];
  const answer = grant ? ['--use-fake-ui-for-media-stream'] : ['--deny-permission-prompts'];
  return launch({ extraArgs: [...camera, ...answer, ...extraArgs] });
}
