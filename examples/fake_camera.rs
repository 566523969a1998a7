//! Builds a Y4M video for Chromium's fake camera from the fixture photos.
//!
//! ```text
//! cargo run --release --example fake_camera -- \
//!     --out FILE.y4m --size 1600x1200 [--fps 30] [--range limited|full] [--zoom F] SPEC...
//! ```
//!
//! Each `SPEC` is `photo.jpg[:frames]` (default 1 frame); frames are written
//! in order, so `motion_blur.jpg:15 sharp.jpg:30` is a shaken hand settling.
//! Each photo is decoded once, scaled to cover the size (aspect kept,
//! centre-cropped; triangle filter, the same result as `image`'s
//! `FilterType::Triangle`, without its per-pixel overhead) and converted to
//! 4:2:0 with the JPEG (BT.601) coefficients, chroma averaged over 2×2. EXIF
//! orientation is ignored. Chromium plays the file in a loop at the file's
//! resolution:
//! `--use-fake-device-for-media-stream --use-file-for-fake-video-capture=FILE.y4m`.
//!
//! Range: Chromium (156) decodes every Y4M as limited range (16–235), ignoring
//! `XCOLORRANGE`, so the default `--range limited` scales the samples into it
//! and the page sees the photo's own pixel values. `--range full` writes JPEG
//! full-range samples: Chromium then shows them with more contrast (luma
//! below 16 black, above 235 white).
//!
//! `--zoom F` (0 < F ≤ 1, default 1) shows each photo covering only the
//! centre F × F of the frame, on a plain grey background: a document held
//! too far from the camera.
//!
//! Bad arguments and unreadable photos exit with code 2 and a message.
//!
//! Host only: `image` is a native dev-dependency, so on wasm32 this is an
//! empty crate (`no_main` must come before the `cfg` that empties it).
#![cfg_attr(target_arch = "wasm32", no_main)]
#![cfg(not(target_arch = "wasm32"))]

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use image::RgbImage;

const USAGE: &str = "usage: fake_camera --out FILE.y4m --size WxH [--fps N] \
                     [--range limited|full] [--zoom F] photo.jpg[:frames]...";

/// What the command line asks for.
struct Args {
    out: PathBuf,
    width: u32,
    height: u32,
    fps: u32,
    range: Range,
    /// Share of the frame's width and height the photo covers.
    zoom: f64,
    /// Photo and number of frames, in playing order.
    specs: Vec<(PathBuf, u32)>,
}

fn main() -> ExitCode {
    let args = parse_args(std::env::args().skip(1)).map_err(|e| format!("{e}\n{USAGE}"));
    match args.and_then(|args| run(&args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("fake_camera: {message}");
            ExitCode::from(2)
        }
    }
}

fn parse_args(mut argv: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut out, mut size, mut fps, mut specs) = (None, None, 30, Vec::new());
    let (mut range, mut zoom) = (Range::Limited, 1.0);
    while let Some(arg) = argv.next() {
        let mut value = || argv.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--out" => out = Some(PathBuf::from(value()?)),
            "--size" => size = Some(parse_size(&value()?)?),
            "--fps" => fps = parse_positive(&value()?, "--fps")?,
            "--range" => range = Range::parse(&value()?)?,
            "--zoom" => {
                let text = value()?;
                zoom = text.parse().ok().filter(|z: &f64| *z > 0.0 && *z <= 1.0)
                    .ok_or(format!("--zoom {text}: expected a number in (0, 1]"))?;
            }
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            spec => specs.push(parse_spec(spec)?),
        }
    }
    let out = out.ok_or("--out is required")?;
    let (width, height) = size.ok_or("--size is required")?;
    if specs.is_empty() {
        return Err("no photos given".into());
    }
    Ok(Args {
        out,
        width,
        height,
        fps,
        range,
        zoom,
        specs,
    })
}

/// `WxH`, both even (4:2:0 chroma covers 2×2 blocks).
fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let (w, h) = text
        .split_once('x')
        .ok_or(format!("--size {text}: expected WxH"))?;
    let (w, h) = (parse_positive(w, "width")?, parse_positive(h, "height")?);
    if w % 2 != 0 || h % 2 != 0 || w > 8192 || h > 8192 {
        return Err(format!(
            "--size {text}: width and height must be even and at most 8192"
        ));
    }
    Ok((w, h))
}

/// `photo.jpg[:frames]`; a `:` inside a directory name is part of the path.
fn parse_spec(spec: &str) -> Result<(PathBuf, u32), String> {
    match spec.rsplit_once(':') {
        Some((path, frames)) if !frames.contains(['/', '\\']) => {
            Ok((PathBuf::from(path), parse_positive(frames, spec)?))
        }
        _ => Ok((PathBuf::from(spec), 1)),
    }
}

fn parse_positive(text: &str, what: &str) -> Result<u32, String> {
    match text.parse() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{what}: expected a positive integer, got {text:?}")),
    }
}

fn run(args: &Args) -> Result<(), String> {
    // Convert each distinct photo once, however many frames or specs use it.
    let mut frames: HashMap<&Path, Vec<u8>> = HashMap::new();
    for (path, _) in &args.specs {
        if !frames.contains_key(path.as_path()) {
            let rgb = framed(&decode(path)?, args.width, args.height, args.zoom);
            frames.insert(
                path.as_path(),
                to_yuv420(&rgb, args.width as usize, args.range),
            );
        }
    }
    let write_err = |e: std::io::Error| format!("{}: {e}", args.out.display());
    let mut out = BufWriter::new(File::create(&args.out).map_err(write_err)?);
    let header = format!(
        "YUV4MPEG2 W{} H{} F{}:1 Ip A1:1 C420jpeg XCOLORRANGE={}\n",
        args.width,
        args.height,
        args.fps,
        args.range.tag()
    );
    out.write_all(header.as_bytes()).map_err(write_err)?;
    for (path, count) in &args.specs {
        for _ in 0..*count {
            out.write_all(b"FRAME\n").map_err(write_err)?;
            out.write_all(&frames[path.as_path()]).map_err(write_err)?;
        }
    }
    out.flush().map_err(write_err)
}

fn decode(path: &Path) -> Result<RgbImage, String> {
    let image = image::ImageReader::open(path)
        .and_then(|reader| reader.with_guessed_format())
        .map_err(|e| format!("{}: {e}", path.display()))?
        .decode()
        .map_err(|e| format!("{}: not a readable image: {e}", path.display()))?;
    Ok(image.into_rgb8())
}

/// The frame: `image` covering the centre `zoom` of `width`×`height`, on a
/// plain grey background when `zoom` < 1.
fn framed(image: &RgbImage, width: u32, height: u32, zoom: f64) -> Vec<u8> {
    let even = |n: u32| ((f64::from(n) * zoom / 2.0).round() as u32 * 2).max(2);
    let (iw, ih) = (even(width), even(height));
    if (iw, ih) == (width, height) {
        return cover(image, width, height);
    }
    let inner = cover(image, iw, ih);
    let mut out = vec![138u8; width as usize * height as usize * 3];
    let (x0, y0) = (((width - iw) / 2) as usize, ((height - ih) / 2) as usize);
    for (row, line) in inner.chunks_exact(iw as usize * 3).enumerate() {
        let start = ((y0 + row) * width as usize + x0) * 3;
        out[start..start + line.len()].copy_from_slice(line);
    }
    out
}

/// Scales `image` to cover `width`×`height` (aspect kept, centre cropped)
/// with a triangle filter; returns packed RGB. Only the crop is resampled.
fn cover(image: &RgbImage, width: u32, height: u32) -> Vec<u8> {
    let (w, h) = (u64::from(image.width()), u64::from(image.height()));
    let (tw, th) = (u64::from(width), u64::from(height));
    let (cw, ch) = if w * th > h * tw {
        // Wider than the target: keep the full height.
        (((h * tw + th / 2) / th).clamp(1, w), h)
    } else {
        (w, ((w * th + tw / 2) / tw).clamp(1, h))
    };
    // Pixel counts of an image in memory: they fit in usize.
    let [w, cw, ch] = [w, cw, ch].map(|n| n as usize);
    let (x0, y0) = ((w - cw) / 2, (image.height() as usize - ch) / 2);
    let (cols, rows) = (taps(cw, width as usize), taps(ch, height as usize));
    let src = image.as_raw();
    let mut out = Vec::with_capacity(width as usize * height as usize * 3);
    // One output row: blend source rows into `acc`, then blend columns.
    let mut acc = vec![0f32; cw * 3];
    for (first, weights) in &rows {
        acc.fill(0.0);
        for (k, weight) in weights.iter().enumerate() {
            let start = ((y0 + first + k) * w + x0) * 3;
            for (a, &p) in acc.iter_mut().zip(&src[start..start + cw * 3]) {
                *a += weight * f32::from(p);
            }
        }
        for (first, weights) in &cols {
            for c in 0..3 {
                let taps = weights.iter().enumerate();
                out.push(to_byte(
                    taps.map(|(k, wt)| wt * acc[(first + k) * 3 + c]).sum(),
                ));
            }
        }
    }
    out
}

/// For each of `dst` output samples, the first source sample it reads and
/// the normalised weights of a triangle filter, widened when shrinking so
/// that every source sample contributes (no aliasing).
fn taps(src: usize, dst: usize) -> Vec<(usize, Vec<f32>)> {
    let scale = src as f32 / dst as f32;
    let radius = scale.max(1.0);
    (0..dst)
        .map(|i| {
            let centre = (i as f32 + 0.5) * scale;
            // Non-negative and below `src` after the max/min: casts are exact.
            let first = (centre - radius).floor().max(0.0) as usize;
            let end = ((centre + radius).ceil() as usize).min(src);
            let mut weights: Vec<f32> = (first..end)
                .map(|j| (1.0 - ((j as f32 + 0.5 - centre) / radius).abs()).max(0.0))
                .collect();
            // The sample under `centre` is within half a pixel: the sum is > 0.
            let sum: f32 = weights.iter().sum();
            weights.iter_mut().for_each(|w| *w /= sum);
            (first, weights)
        })
        .collect()
}

/// Sample range of the Y4M's planes.
#[derive(Clone, Copy)]
enum Range {
    /// Y 16–235, Cb/Cr 16–240: what Chromium assumes for Y4M.
    Limited,
    /// 0–255, as in a JPEG.
    Full,
}

impl Range {
    fn parse(text: &str) -> Result<Self, String> {
        match text {
            "limited" => Ok(Self::Limited),
            "full" => Ok(Self::Full),
            _ => Err(format!("--range {text}: expected limited or full")),
        }
    }

    /// The header's `XCOLORRANGE` value (as ffmpeg writes it).
    fn tag(self) -> &'static str {
        match self {
            Self::Limited => "LIMITED",
            Self::Full => "FULL",
        }
    }

    /// Encodes full-range luma (0–255).
    fn luma(self, y: f32) -> u8 {
        match self {
            Self::Limited => to_byte(16.0 + y * 219.0 / 255.0),
            Self::Full => to_byte(y),
        }
    }

    /// Encodes a full-range colour difference (−128–127, centred on 0).
    fn chroma(self, c: f32) -> u8 {
        match self {
            Self::Limited => to_byte(128.0 + c * 224.0 / 255.0),
            Self::Full => to_byte(128.0 + c),
        }
    }
}

/// Y, then U (Cb), then V (Cr) planes from packed RGB `width` pixels wide;
/// JPEG (BT.601) coefficients, chroma from each 2×2 block's mean.
fn to_yuv420(rgb: &[u8], width: usize, range: Range) -> Vec<u8> {
    let (w, h) = (width, rgb.len() / 3 / width);
    let mut out = Vec::with_capacity(w * h * 3 / 2);
    out.extend(rgb.chunks_exact(3).map(|p| {
        let (r, g, b) = (f32::from(p[0]), f32::from(p[1]), f32::from(p[2]));
        range.luma(0.299 * r + 0.587 * g + 0.114 * b)
    }));
    let mut u = Vec::with_capacity(w * h / 4);
    let mut v = Vec::with_capacity(w * h / 4);
    for y in (0..h).step_by(2) {
        for x in (0..w).step_by(2) {
            let mut sum = [0f32; 3];
            for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                let i = ((y + dy) * w + x + dx) * 3;
                for (s, &c) in sum.iter_mut().zip(&rgb[i..i + 3]) {
                    *s += f32::from(c) / 4.0;
                }
            }
            let [r, g, b] = sum;
            u.push(range.chroma(-0.168_736 * r - 0.331_264 * g + 0.5 * b));
            v.push(range.chroma(0.5 * r - 0.418_688 * g - 0.081_312 * b));
        }
    }
    out.extend(u);
    out.extend(v);
    out
}

fn to_byte(value: f32) -> u8 {
    // In range after the clamp, so the cast only drops the fraction.
    value.round().clamp(0.0, 255.0) as u8
}
