// The live camera of the widget's guided capture: opening the stream,
// drawing frames for the quality gate, taking the photo, recording a short
// video, stopping every track. src/web/camera.rs drives it; what is decided
// (hints, when to capture) is in src/core/camera.rs.

// Why the camera can't be offered here, or "" when it can.
export function cameraBlocker() {
  if (!window.isSecureContext) return "insecure";
  const media = navigator.mediaDevices;
  if (!media || typeof media.getUserMedia !== "function") return "unsupported";
  // An iframe without allow="camera", or a Permissions-Policy header.
  const policy = document.permissionsPolicy || document.featurePolicy;
  if (policy && typeof policy.allowsFeature === "function" && !policy.allowsFeature("camera")) return "blocked";
  return "";
}

// A stream from the rear ("environment") or front ("user") camera, at the
// largest width it offers, playing in `video`. Rejects with the
// DOMException of getUserMedia (its name tells why).
export async function openCamera(video, facing) {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { facingMode: { ideal: facing }, width: { ideal: facing === "user" ? 1280 : 4096 } },
  });
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  try {
    await video.play();
  } catch (err) {
    stopCamera(stream, video);
    throw err;
  }
  return stream;
}

// Calls `onEnded` once if the camera stops on its own (unplugged, taken by
// the system).
export function watchEnded(stream, onEnded) {
  for (const track of stream.getVideoTracks()) track.addEventListener("ended", () => onEnded(), { once: true });
}

// Stops every track (the camera light goes off) and detaches the preview.
export function stopCamera(stream, video) {
  if (stream) for (const track of stream.getTracks()) track.stop();
  if (video) video.srcObject = null;
}

let frameCanvas = null;

// The RGBA pixels of the area (x, y, w, h) of the current frame, drawn at
// outW x outH; null before the first frame.
export function drawFrame(video, x, y, w, h, outW, outH) {
  if (video.readyState < 2 || !video.videoWidth) return null;
  if (!frameCanvas || frameCanvas.width !== outW || frameCanvas.height !== outH) {
    frameCanvas = new OffscreenCanvas(outW, outH);
  }
  const ctx = frameCanvas.getContext("2d", { willReadFrequently: true });
  ctx.drawImage(video, x, y, w, h, 0, 0, outW, outH);
  return ctx.getImageData(0, 0, outW, outH).data;
}

// The photo at the camera's full resolution: ImageCapture.takePhoto where
// the browser has it, else the current frame as a JPEG.
export async function takePhoto(stream, video) {
  const track = stream.getVideoTracks()[0];
  if (typeof ImageCapture === "function" && track && track.readyState === "live") {
    try {
      const photo = await new ImageCapture(track).takePhoto();
      if (photo && photo.size) return photo;
    } catch {
      // Not for this camera: the frame below is as large as the stream.
    }
  }
  const canvas = new OffscreenCanvas(video.videoWidth, video.videoHeight);
  canvas.getContext("2d").drawImage(video, 0, 0);
  return canvas.convertToBlob({ type: "image/jpeg", quality: 0.92 });
}

// A container the upload contract accepts, or "" without MediaRecorder.
export function videoType() {
  if (typeof MediaRecorder !== "function") return "";
  const types = ["video/webm;codecs=vp9", "video/webm;codecs=vp8", "video/webm", "video/mp4"];
  return types.find((t) => MediaRecorder.isTypeSupported(t)) || "";
}

// Records `ms` milliseconds of the stream: a promise of the video.
export function recordVideo(stream, type, ms) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    const recorder = new MediaRecorder(stream, { mimeType: type, videoBitsPerSecond: 2500000 });
    recorder.ondataavailable = (e) => e.data.size && chunks.push(e.data);
    recorder.onerror = (e) => reject(e.error || new Error("recording failed"));
    recorder.onstop = () => resolve(new Blob(chunks, { type: type.split(";")[0] }));
    recorder.start(1000);
    setTimeout(() => recorder.state !== "inactive" && recorder.stop(), ms);
  });
}
