//! Native tests of the quality gate's pure core: metric properties on
//! synthetic images, the header parser on crafted headers, the size rules,
//! and a calibration run over the shared fixture photos.

use kyc_upload::core::quality::{
    analysis_size, assess, downscale_target, luma_from_rgba, parse_header, shrink_again,
    thresholds, HeaderError, ImageFormat, Metrics, ReasonCode, Verdict, ANALYSIS_LONG_SIDE,
    MAX_LONG_SIDE,
};

mod calibration {
    //! Decodes the fixture photos natively (the `image` crate, dev only) the
    //! way the browser does it in production: EXIF orientation applied,
    //! downscaled to the analysis size, then luma and `assess`.

    use super::*;
    use image::{imageops::FilterType, DynamicImage, ImageDecoder, ImageReader};
    use std::{fs, io::Cursor, path::PathBuf};

    fn fixtures_dir() -> PathBuf {
        match std::env::var_os("KYC_FIXTURES_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/photos"),
        }
    }

    /// `None` when the file cannot be decoded.
    fn analyse(bytes: &[u8]) -> Option<kyc_upload::core::quality::Report> {
        let header = parse_header(bytes).ok()?;
        let (sw, sh) = header.oriented_size();
        let mut decoder = ImageReader::new(Cursor::new(bytes)).with_guessed_format().ok()?.into_decoder().ok()?;
        let orientation = decoder.orientation().ok()?;
        let mut img = DynamicImage::from_decoder(decoder).ok()?;
        img.apply_orientation(orientation);
        assert_eq!((img.width(), img.height()), (sw, sh), "header size disagrees with decoder");
        let (w, h) = analysis_size(sw, sh);
        let small = img.resize_exact(w, h, FilterType::Triangle).to_rgba8();
        let luma = luma_from_rgba(small.as_raw());
        Some(assess(sw, sh, &luma, w, h))
    }

    #[test]
    fn fixtures_get_their_labels() {
        let dir = fixtures_dir();
        let labels: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(&fs::read(dir.join("labels.json")).expect("labels.json")).expect("labels");
        let mut failures = Vec::new();
        for (name, label) in &labels {
            let label = label.as_str().expect("label");
            let bytes = fs::read(dir.join(name)).expect("fixture");
            let outcome = match parse_header(&bytes) {
                Err(HeaderError::Empty) => "empty".to_string(),
                Err(HeaderError::NotParsed(ImageFormat::Pdf)) => "pdf".to_string(),
                Err(HeaderError::NotParsed(ImageFormat::Unknown)) => "unsupported".to_string(),
                _ => match analyse(&bytes) {
                    None => "unreadable".to_string(),
                    Some(r) => {
                        let m = &r.metrics;
                        println!(
                            "{name:18} {label:24} {:7} sharp={:.3} p05={:5.1} p95={:5.1} mean={:5.1} clip={:.3} glare={:.4} {}",
                            r.verdict.as_str(), m.sharpness, m.luma_p05, m.luma_p95, m.luma_mean,
                            m.clipped_fraction, m.glare_fraction,
                            r.reasons.iter().map(|x| x.code.code()).collect::<Vec<_>>().join(",")
                        );
                        let code = |c: ReasonCode| r.verdict == Verdict::Reject && r.has(c);
                        let (w, h) = (r.width, r.height);
                        match label {
                            "accept" => (r.verdict == Verdict::Accept).then_some("accept"),
                            "accept_or_downscale" => (r.verdict == Verdict::Accept
                                && downscale_target(w, h, bytes.len() as u64, 10 << 20).is_some())
                            .then_some("accept_or_downscale"),
                            "reject_blur" => code(ReasonCode::Blurry).then_some("reject_blur"),
                            "reject_exposure" => (code(ReasonCode::TooDark) || code(ReasonCode::Overexposed))
                                .then_some("reject_exposure"),
                            "reject_glare" => code(ReasonCode::Glare).then_some("reject_glare"),
                            "reject_resolution" => code(ReasonCode::TooSmall).then_some("reject_resolution"),
                            _ => None,
                        }
                        .unwrap_or("wrong")
                        .to_string()
                    }
                },
            };
            let ok = matches!(
                (label, outcome.as_str()),
                ("reject_empty", "empty")
                    | ("accept_proof_of_address", "pdf")
                    | ("reject_type", "unsupported")
                    | ("reject_unreadable", _)
            ) || outcome == label;
            if !ok {
                failures.push(format!("{name}: expected {label}, got {outcome}"));
            }
        }
        assert!(failures.is_empty(), "{failures:#?}");
    }
}
