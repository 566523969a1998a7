// The fake camera pipeline the camera tests stand on: fixture photo ->
// examples/fake_camera.rs -> Y4M -> Chromium's fake capture device ->
// getUserMedia in a page. Checks the camera's resolution, that its frames are
// the photo (luma as in the file; too_dark.jpg much darker than sharp.jpg),
// and that `grant: false` denies the camera. Also reports what ImageCapture
// (takePhoto) gives with this device, without requiring it.
//
// Needs no sandbox: the page is a blank one on a throwaway 127.0.0.1 server
// (getUserMedia needs a secure context; about:blank is not one).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { fakeCamera, launchWithCamera } from './lib/camera.mjs';
import { writeTestLog } from './lib/browser.mjs';

const SIZE = '1600x1200';
let server;
let url;
let cameras;
const report = [];

before(async () => {
  const started = Date.now();
  cameras = {
    sharp: fakeCamera('sharp', { size: SIZE, specs: ['sharp.jpg'] }),
    dark: fakeCamera('too_dark', { size: SIZE, specs: ['too_dark.jpg'] }),
  };
  report.push(`videos ready in ${Date.now() - started} ms`);
  server = http.createServer((_, res) => {
    res.setHeader('content-type', 'text/html');
    res.end('<!doctype html><title>camera</title>');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${server.address().port}/`;
});

after(() => {
  server?.close();
  if (!report.length) return;
  const text = ['fake camera', ...report].join('\n');
  console.log(text);
  writeTestLog('fake-camera-report.txt', text);
});

/**
 * Mean luma of the file's first frame on the 0-255 scale, i.e. what the page
 * should see (the example writes limited range unless the header says FULL).
 */
function fileLuma(y4m, width, height) {
  const fd = fs.openSync(y4m, 'r');
  try {
    const head = Buffer.alloc(256);
    fs.readSync(fd, head, 0, head.length, 0);
    const start = head.indexOf('FRAME\n') + 6;
    const full = head.subarray(0, start).includes('XCOLORRANGE=FULL');
    const plane = Buffer.alloc(width * height);
    fs.readSync(fd, plane, 0, plane.length, start);
    let sum = 0;
    for (const y of plane) sum += y;
    const mean = sum / plane.length;
    return full ? mean : ((mean - 16) * 255) / 219;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Opens the camera in a fresh page: its settings, the luma (BT.601) mean and
 * standard deviation of one frame drawn to a canvas, and what ImageCapture
 * makes of the track. Returns `{ error }` when getUserMedia rejects.
 */
async function openCamera(browser) {
  const page = await browser.newPage();
  try {
    await page.goto(url);
    return await page.evaluate(async () => {
      let stream;
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: true });
      } catch (e) {
        return { error: e.name, message: e.message };
      }
      const [track] = stream.getVideoTracks();
      const { width, height, frameRate } = track.getSettings();
      const video = Object.assign(document.createElement('video'), { muted: true, srcObject: stream });
      await video.play();
      await new Promise((resolve) => video.requestVideoFrameCallback(resolve));
      const canvas = new OffscreenCanvas(video.videoWidth, video.videoHeight);
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(video, 0, 0);
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let sum = 0;
      let squares = 0;
      for (let i = 0; i < data.length; i += 4) {
        const y = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
        sum += y;
        squares += y * y;
      }
      const n = data.length / 4;
      const mean = sum / n;
      const frame = { width: canvas.width, height: canvas.height, mean, stddev: Math.sqrt(squares / n - mean * mean) };

      const photo = { imageCapture: typeof ImageCapture };
      if (photo.imageCapture === 'function') {
        try {
          const blob = await new ImageCapture(track).takePhoto();
          const bitmap = await createImageBitmap(blob);
          Object.assign(photo, { type: blob.type, size: blob.size, width: bitmap.width, height: bitmap.height });
        } catch (e) {
          photo.error = `${e.name}: ${e.message}`;
        }
      }
      track.stop();
      return { settings: { width, height, frameRate }, frame, photo };
    });
  } finally {
    await page.close();
  }
}

async function withCamera(y4m, options, fn) {
  const browser = await launchWithCamera(y4m, options);
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}

const fmt = (x) => x.toFixed(1);

test('the camera plays the photo at the video\'s resolution; a dark photo reads dark', async () => {
  const seen = {};
  for (const [name, y4m] of Object.entries(cameras)) {
    const cam = await withCamera(y4m, {}, openCamera);
    assert.equal(cam.error, undefined, `${name}: getUserMedia failed: ${cam.error}: ${cam.message}`);
    const expected = fileLuma(y4m, 1600, 1200);
    const { frame, photo } = cam;
    report.push(`${name}: settings ${JSON.stringify(cam.settings)}, frame ${frame.width}x${frame.height} `
      + `luma mean ${fmt(frame.mean)} (file ${fmt(expected)}) stddev ${fmt(frame.stddev)}`);
    report.push(`${name}: ImageCapture ${JSON.stringify(photo)}`);
    assert.deepEqual([cam.settings.width, cam.settings.height], [1600, 1200], `${name}: track settings`);
    assert.deepEqual([frame.width, frame.height], [1600, 1200], `${name}: frame size`);
    // The frame is the file's picture (not a blank or a test pattern) at the
    // photo's brightness: this also fails if Chromium's range handling changes.
    assert.ok(Math.abs(frame.mean - expected) < 3, `${name}: frame luma ${fmt(frame.mean)}, file ${fmt(expected)}`);
    seen[name] = frame;
  }
  assert.ok(seen.sharp.stddev > 30, `sharp frame looks flat: luma stddev ${fmt(seen.sharp.stddev)}`);
  assert.ok(seen.dark.mean < seen.sharp.mean / 3, `too_dark (${fmt(seen.dark.mean)}) vs sharp (${fmt(seen.sharp.mean)})`);
});

test('grant: false denies the camera (NotAllowedError)', async () => {
  const cam = await withCamera(cameras.sharp, { grant: false }, openCamera);
  report.push(`grant false: ${cam.error ?? 'allowed'} ${cam.message ?? ''}`);
  assert.equal(cam.error, 'NotAllowedError');
});
