//! Benchmark, not a test: the whole `check_image` against the browser's own
//! full-size `createImageBitmap` of the same 12 MP file, in the same run.
//! The two alternate run by run, in turn first (a load spike on the shared
//! machine hits both); each line gives the medians and the spread
//! (quartiles) of each.
//!
//! Ignored in the normal suite; run with
//! `cargo test --target wasm32-unknown-unknown --release --test bench_quality -- --ignored --nocapture`.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Uint8Array};
use kyc_upload::web::image::check_image;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Blob, BlobPropertyBag, ImageBitmap};

wasm_bindgen_test_configure!(run_in_browser);

const RUNS: usize = 15;

macro_rules! fixture {
    ($name:literal) => {
        ($name, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/photos/", $name)).as_slice())
    };
}

fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

fn median(v: Vec<f64>) -> f64 {
    let v = sorted(v);
    v[v.len() / 2]
}

/// Median, first and third quartile.
fn quartiles(v: Vec<f64>) -> (f64, f64, f64) {
    let v = sorted(v);
    (v[v.len() / 2], v[v.len() / 4], v[3 * v.len() / 4])
}

async fn full_decode(blob: &Blob) {
    let promise = web_sys::window().expect("window").create_image_bitmap_with_blob(blob).expect("createImageBitmap");
    let bitmap: ImageBitmap = JsFuture::from(promise).await.expect("decodes").unchecked_into();
    bitmap.close();
}

#[wasm_bindgen_test]
#[ignore]
async fn check_image_versus_browser_decode() {
    let mut ratios = Vec::new();
    for (name, bytes) in [fixture!("sharp.jpg"), fixture!("exif_rotated.jpg"), fixture!("blur_sigma12.jpg"), fixture!("glare.jpg")] {
        let options = BlobPropertyBag::new();
        options.set_type("image/jpeg");
        let blob = Blob::new_with_u8_array_sequence_and_options(&Array::of1(&Uint8Array::from(bytes)), &options)
            .expect("blob");
        // Warm up both paths (decoder caches, wasm tier-up).
        full_decode(&blob).await;
        check_image(&blob).await.expect("check");
        let (mut decode, mut check) = (Vec::new(), Vec::new());
        for run in 0..RUNS {
            if run % 2 == 0 {
                decode.push(timed_decode(&blob).await);
                check.push(timed_check(&blob).await);
            } else {
                check.push(timed_check(&blob).await);
                decode.push(timed_decode(&blob).await);
            }
        }
        let ((d, d1, d3), (c, c1, c3)) = (quartiles(decode), quartiles(check));
        ratios.push(c / d);
        console_log!(
            "{name:18} createImageBitmap {d:6.1} ms ({d1:5.1}–{d3:5.1})   check_image {c:6.1} ms ({c1:5.1}–{c3:5.1})   ratio {:.2}",
            c / d
        );
    }
    console_log!("median ratio over the 12 MP fixtures: {:.2} (target <= 1.3)", median(ratios));
}

async fn timed_decode(blob: &Blob) -> f64 {
    let t = now();
    full_decode(blob).await;
    now() - t
}

async fn timed_check(blob: &Blob) -> f64 {
    let t = now();
    check_image(blob).await.expect("check");
    now() - t
}
