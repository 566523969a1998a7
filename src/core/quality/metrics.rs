//! The measurements taken on a luma image: exposure, sharpness and glare.
//!
//! Everything here is a single pass or two over an 8-bit luma buffer of at
//! most [`ANALYSIS_LONG_SIDE`](super::ANALYSIS_LONG_SIDE) on the long side,
//! with integer accumulators, so it costs a few milliseconds in wasm.

use serde::Serialize;

use super::thresholds::{CLIPPED_LUMA, GLARE_BLOCK, GLARE_BLOCK_CLIPPED};

/// Mean squared gradient (levels² per pixel) under which an image is taken to
/// have no detail to focus on. Sensor noise alone gives about 1.
const NO_DETAIL_MEAN_GRADIENT2: f64 = 0.25;

/// What the gate measured on one image.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Metrics {
    /// Focus measure at analysis size, from about 1/8 (everything spread over
    /// 8 analysed pixels or more: blurry) to 1 and above (crisp edges, dense
    /// print). Independent of
    /// contrast, and of the photo's resolution since it is measured on the
    /// fixed-size analysis image. 0 when the image has no detail at all.
    pub sharpness: f32,
    /// Mean luma, 0–255.
    pub luma_mean: f32,
    /// 5th-percentile luma, 0–255 (the print: high means washed out).
    pub luma_p05: f32,
    /// 95th-percentile luma, 0–255 (the paper: low means too dark).
    pub luma_p95: f32,
    /// Fraction of pixels at or above the clipping level, 0–1.
    pub clipped_fraction: f32,
    /// Area of the largest blown-out patch not touching the border, as a
    /// fraction of the image, 0–1.
    pub glare_fraction: f32,
}

impl Metrics {
    /// Measures a `w` × `h` luma image (row-major, one byte per pixel).
    ///
    /// An image smaller than 3 × 3 or a buffer shorter than `w * h` gives the
    /// metrics of a blank image.
    pub fn measure(luma: &[u8], w: u32, h: u32) -> Metrics {
        let (w, h) = (w as usize, h as usize);
        if w < 3 || h < 3 || luma.len() < w * h {
            return Metrics::blank();
        }
        let luma = &luma[..w * h];
        let (luma_mean, luma_p05, luma_p95, clipped_fraction) = exposure(luma);
        Metrics {
            sharpness: sharpness(luma, w, h).unwrap_or(0.0),
            luma_mean,
            luma_p05,
            luma_p95,
            clipped_fraction,
            glare_fraction: glare_fraction(luma, w, h),
        }
    }

    /// The metrics of an image that could not be measured.
    pub fn blank() -> Metrics {
        Metrics {
            sharpness: 0.0,
            luma_mean: 0.0,
            luma_p05: 0.0,
            luma_p95: 0.0,
            clipped_fraction: 0.0,
            glare_fraction: 0.0,
        }
    }
}

/// Mean, 5th and 95th percentile, and clipped fraction, from one histogram.
fn exposure(luma: &[u8]) -> (f32, f32, f32, f32) {
    let mut hist = [0u32; 256];
    let mut sum = 0u64;
    for &v in luma {
        hist[v as usize] += 1;
        sum += u64::from(v);
    }
    let n = luma.len() as u64;
    let percentile = |p: u64| -> f32 {
        let rank = (n * p).div_ceil(100).max(1);
        let mut seen = 0u64;
        for (level, &count) in hist.iter().enumerate() {
            seen += u64::from(count);
            if seen >= rank {
                return level as f32;
            }
        }
        255.0
    };
    let clipped: u64 = hist[CLIPPED_LUMA as usize..].iter().map(|&c| u64::from(c)).sum();
    (
        sum as f32 / n as f32,
        percentile(5),
        percentile(95),
        clipped as f32 / n as f32,
    )
}

/// Distance, in analysed pixels, of the coarse differences the sharpness measure
/// compares the fine ones with.
pub const SHARPNESS_SPAN: usize = 8;

/// Fine-to-coarse gradient energy ratio, from 1/[`SHARPNESS_SPAN`] up, or `None`
/// when the image has no detail at all.
///
/// For an edge of contrast `A` spread over `W` pixels, the squared difference
/// of neighbouring pixels sums to about `A²/W` across the edge, while the
/// squared difference of pixels `k` apart sums to about `k·A²` when `W ≪ k`
/// and `k²A²/W` when `W ≫ k`. So `k·Σd₁²/Σdₖ²` is near 1 for crisp edges (above 1 for print
/// whose strokes are closer than `k`, where coarse differences cancel) and
/// falls towards `1/k` as edges spread over `k` pixels or more, whatever the
/// contrast. Summing over the whole image weights each edge by its energy:
/// the print dominates flat areas. First differences amplify noise far less
/// than a Laplacian (whose energy in a blurred photo is mostly quantisation
/// noise), which keeps the measure monotone up to heavy blur.
fn sharpness(luma: &[u8], w: usize, h: usize) -> Option<f32> {
    let k = SHARPNESS_SPAN;
    if w <= k || h <= k {
        return None;
    }
    let (mut fine, mut coarse) = (0u64, 0u64);
    for y in 0..h - k {
        let row = &luma[y * w..(y + 1) * w];
        let below = &luma[(y + 1) * w..(y + 2) * w];
        let far_below = &luma[(y + k) * w..(y + k + 1) * w];
        for x in 0..w - k {
            let c = i32::from(row[x]);
            let d1x = i32::from(row[x + 1]) - c;
            let d1y = i32::from(below[x]) - c;
            let dkx = i32::from(row[x + k]) - c;
            let dky = i32::from(far_below[x]) - c;
            fine += (d1x * d1x + d1y * d1y) as u64;
            coarse += (dkx * dkx + dky * dky) as u64;
        }
    }
    let n = ((w - k) * (h - k)) as f64;
    if coarse == 0 || (fine as f64) / n < NO_DETAIL_MEAN_GRADIENT2 {
        return None;
    }
    Some((k as f64 * fine as f64 / coarse as f64) as f32)
}

/// Area of the largest blown-out patch that does not touch the border.
///
/// The image is cut into [`GLARE_BLOCK`]-pixel blocks; a block is blown out
/// when at least [`GLARE_BLOCK_CLIPPED`] of its pixels are clipped. Blown-out
/// blocks are joined into 4-connected patches; patches touching the image
/// border are a background, not a reflection, and are ignored.
fn glare_fraction(luma: &[u8], w: usize, h: usize) -> f32 {
    let b = GLARE_BLOCK as usize;
    let (bw, bh) = (w.div_ceil(b), h.div_ceil(b));
    let mut clipped = vec![0u32; bw * bh];
    for y in 0..h {
        let row = &luma[y * w..(y + 1) * w];
        let brow = &mut clipped[(y / b) * bw..(y / b + 1) * bw];
        for (x, &v) in row.iter().enumerate() {
            if v >= CLIPPED_LUMA {
                brow[x / b] += 1;
            }
        }
    }
    let block_area = |bx: usize, by: usize| -> usize {
        (b.min(w - bx * b)) * (b.min(h - by * b))
    };
    let mut blown = Vec::with_capacity(bw * bh);
    for (i, &count) in clipped.iter().enumerate() {
        let area = block_area(i % bw, i / bw) as f32;
        blown.push(count as f32 >= GLARE_BLOCK_CLIPPED * area);
    }
    let mut seen = vec![false; bw * bh];
    let mut stack = Vec::new();
    let mut largest = 0usize;
    for start in 0..bw * bh {
        if !blown[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let (mut area, mut touches_border) = (0usize, false);
        while let Some(i) = stack.pop() {
            let (bx, by) = (i % bw, i / bw);
            area += block_area(bx, by);
            touches_border |= bx == 0 || by == 0 || bx + 1 == bw || by + 1 == bh;
            let mut visit = |j: usize| {
                if blown[j] && !seen[j] {
                    seen[j] = true;
                    stack.push(j);
                }
            };
            if bx > 0 {
                visit(i - 1);
            }
            if bx + 1 < bw {
                visit(i + 1);
            }
            if by > 0 {
                visit(i - bw);
            }
            if by + 1 < bh {
                visit(i + bw);
            }
        }
        if !touches_border {
            largest = largest.max(area);
        }
    }
    largest as f32 / (w * h) as f32
}
