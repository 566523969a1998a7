//! The production quality check (`check_image`, `downscale_to_jpeg`) in
//! headless Chromium over every shared fixture photo, each held to the label
//! in `labels.json`.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Reflect, Uint8Array};
use kyc_upload::core::quality::{
    downscale_target, ReasonCode, Report, Verdict, JPEG_QUALITY, MAX_LONG_SIDE,
};
use kyc_upload::web::image::{check_image, downscale_to_jpeg, report_to_js};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Blob, BlobPropertyBag};

wasm_bindgen_test_configure!(run_in_browser);

/// The widget's default `maxFileSize`.
const MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/photos/", $name))
    };
}

const LABELS: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/photos/labels.json"));

/// Every fixture this test embeds; `labels_cover_every_fixture` keeps it in
/// step with `labels.json`.
const NAMES: [&str; 18] = [
    "blur_sigma12.jpg", "blur_sigma20.jpg", "empty.jpg", "exif_rotated.jpg", "glare.jpg",
    "huge_24mp.jpg", "low_res.jpg", "motion_blur.jpg", "not_an_image.jpg", "overexposed.jpg",
    "scan_flat.png", "sharp.jpg", "sharp.png", "slight_blur.jpg", "soft_blur.jpg", "too_dark.jpg",
    "truncated.jpg", "utility_bill.pdf",
];

fn label_of(name: &str) -> String {
    let labels: serde_json::Map<String, serde_json::Value> = serde_json::from_str(LABELS).expect("labels.json");
    labels.get(name).and_then(|v| v.as_str()).unwrap_or_else(|| panic!("no label for {name}")).to_string()
}

fn blob(bytes: &[u8], mime: &str) -> Blob {
    let parts = Array::of1(&Uint8Array::from(bytes));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    Blob::new_with_u8_array_sequence_and_options(&parts, &options).expect("blob")
}

fn log(name: &str, r: &Report) {
    let m = &r.metrics;
    console_log!(
        "{name:18} {:7} {}x{} sharp={:.3} p05={} p95={} mean={:.1} clip={:.3} glare={:.4} [{}]",
        r.verdict.as_str(), r.width, r.height, m.sharpness, m.luma_p05, m.luma_p95, m.luma_mean,
        m.clipped_fraction, m.glare_fraction,
        r.reasons.iter().map(|x| x.code.code()).collect::<Vec<_>>().join(",")
    );
}

fn assert_rejected_for(name: &str, r: &Report, codes: &[ReasonCode]) {
    assert_eq!(r.verdict, Verdict::Reject, "{name}: {r:?}");
    assert!(
        r.reasons.iter().any(|x| x.verdict == Verdict::Reject && codes.contains(&x.code)),
        "{name}: expected a reject for {codes:?}, got {r:?}"
    );
}

/// Runs the production check on one fixture and holds it to its label.
async fn holds_label(name: &str, bytes: &[u8]) {
    let label = label_of(name);
    if label == "accept_proof_of_address" {
        assert!(bytes.starts_with(b"%PDF"), "{name} is labelled a PDF");
        return;
    }
    let file = blob(bytes, if name.ends_with(".png") { "image/png" } else { "image/jpeg" });
    let result = check_image(&file).await;
    let error_reason = |expected: ReasonCode| {
        let err = result.as_ref().expect_err(name);
        assert_eq!(err.reason(), Some(expected), "{name}: {err:?}");
        assert_eq!(err.code(), expected.code());
    };
    match label.as_str() {
        "reject_empty" => return error_reason(ReasonCode::EmptyFile),
        "reject_unreadable" => return error_reason(ReasonCode::Unreadable),
        "reject_type" => return error_reason(ReasonCode::UnsupportedFormat),
        _ => {}
    }
    let report = result.unwrap_or_else(|e| panic!("{name}: {e:?}"));
    log(name, &report);
    match label.as_str() {
        "accept" => assert_eq!(report.verdict, Verdict::Accept, "{name}: {report:?}"),
        "accept_or_downscale" => {
            assert_eq!(report.verdict, Verdict::Accept, "{name}: {report:?}");
            let (w, h) = downscale_target(report.width, report.height, bytes.len() as u64, MAX_FILE_SIZE)
                .unwrap_or_else(|| panic!("{name} should be downscaled"));
            let out = downscale_to_jpeg(&file, w, h, JPEG_QUALITY).await.expect("downscale");
            assert_eq!(out.type_(), "image/jpeg");
            assert!(out.size() as u64 <= MAX_FILE_SIZE, "{name}: {} bytes", out.size());
            let again = check_image(&out).await.expect("the re-encoded photo decodes");
            log("  re-encoded", &again);
            assert_eq!((again.width, again.height), (w, h));
            assert!(w.max(h) <= MAX_LONG_SIDE);
            assert_eq!(again.verdict, Verdict::Accept, "re-encoded {name}: {again:?}");
        }
        "reject_blur" => assert_rejected_for(name, &report, &[ReasonCode::Blurry]),
        "reject_exposure" => {
            assert_rejected_for(name, &report, &[ReasonCode::TooDark, ReasonCode::Overexposed])
        }
        "reject_glare" => assert_rejected_for(name, &report, &[ReasonCode::Glare]),
        "reject_resolution" => assert_rejected_for(name, &report, &[ReasonCode::TooSmall]),
        other => panic!("{name}: unknown label {other}"),
    }
}

macro_rules! label_tests {
    ($($test:ident => $name:literal,)*) => {
        $(
            #[wasm_bindgen_test]
            async fn $test() {
                holds_label($name, fixture!($name)).await;
            }
        )*
    };
}

label_tests! {
    blur_sigma12 => "blur_sigma12.jpg",
    blur_sigma20 => "blur_sigma20.jpg",
    empty => "empty.jpg",
    exif_rotated => "exif_rotated.jpg",
    glare => "glare.jpg",
    huge_24mp => "huge_24mp.jpg",
    low_res => "low_res.jpg",
    motion_blur => "motion_blur.jpg",
    not_an_image => "not_an_image.jpg",
    overexposed => "overexposed.jpg",
    scan_flat => "scan_flat.png",
    sharp_jpg => "sharp.jpg",
    sharp_png => "sharp.png",
    slight_blur => "slight_blur.jpg",
    soft_blur => "soft_blur.jpg",
    too_dark => "too_dark.jpg",
    truncated => "truncated.jpg",
    utility_bill => "utility_bill.pdf",
}

#[wasm_bindgen_test]
fn labels_cover_every_fixture() {
    let labels: serde_json::Map<String, serde_json::Value> = serde_json::from_str(LABELS).expect("labels.json");
    let mut labelled: Vec<&str> = labels.keys().map(String::as_str).collect();
    labelled.sort_unstable();
    assert_eq!(labelled, NAMES.to_vec());
}

#[wasm_bindgen_test]
async fn exif_orientation_is_applied() {
    let report = check_image(&blob(fixture!("exif_rotated.jpg"), "image/jpeg")).await.expect("decodes");
    assert!(report.width > report.height, "displayed landscape: {report:?}");
}

#[wasm_bindgen_test]
async fn report_is_the_documented_js_shape() {
    let report = check_image(&blob(fixture!("low_res.jpg"), "image/jpeg")).await.expect("decodes");
    let js = report_to_js(&report);
    let get = |obj: &JsValue, key: &str| Reflect::get(obj, &key.into()).expect(key);
    assert_eq!(get(&js, "verdict").as_string().as_deref(), Some("reject"));
    assert_eq!(get(&js, "width").as_f64(), Some(480.0));
    assert_eq!(get(&js, "height").as_f64(), Some(360.0));
    let reasons = Array::from(&get(&js, "reasons"));
    let first = reasons.get(0);
    assert_eq!(get(&first, "code").as_string().as_deref(), Some("too_small"));
    assert!(get(&first, "message").as_string().is_some_and(|m| m.contains("retake")));
    let metrics = get(&js, "metrics");
    for key in ["sharpness", "luma_mean", "luma_p05", "luma_p95", "clipped_fraction", "glare_fraction"] {
        assert!(get(&metrics, key).as_f64().is_some(), "metrics.{key}");
    }
}
