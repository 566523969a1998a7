//! The catalog put into words by the browser (headless Chromium): plural
//! forms chosen by `Intl.PluralRules`, sizes, percentages, durations and
//! dates by `Intl`, for the shipped locale files (read at compile time, as
//! the widget would fetch them).
#![cfg(target_arch = "wasm32")]

use kyc_upload::core::catalog::{Arg, Catalog, Msg};
use kyc_upload::web::texts::{catalog_of, Texts};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn texts(locale: &'static str, json: &str) -> Texts {
    let file = js_sys::JSON::parse(json).expect("a locale file is JSON");
    Texts::new(locale, &catalog_of(&file), &[])
}

/// One text of a locale file, as written there.
fn form(json: &str, id: &str) -> String {
    let file = js_sys::JSON::parse(json).expect("a locale file is JSON");
    js_sys::Reflect::get(&file, &id.into()).ok().and_then(|text| text.as_string()).unwrap_or_else(|| panic!("{id}"))
}

/// `js` evaluated in the page (the expected Intl output, computed by the same browser).
fn eval(js: &str) -> String {
    js_sys::eval(js).ok().and_then(|v| v.as_string()).unwrap_or_default()
}

const PL: &str = include_str!("../www/locales/pl.json");
const AR: &str = include_str!("../www/locales/ar.json");
const DE: &str = include_str!("../www/locales/de.json");

#[wasm_bindgen_test]
fn plural_forms_follow_the_browsers_plural_rules() {
    let polish = texts("pl", PL);
    let summary = |n: u64| polish.render(&Msg::SummaryFiles.with("count", Arg::Count(n)).and("names", "x".to_string()));
    let filled = |id: &str, n: u64| form(PL, id).replace("{count}", &n.to_string()).replace("{names}", "x");
    assert_eq!(summary(1), filled("summary.files.one", 1));
    assert_eq!(summary(3), filled("summary.files.few", 3), "3 is `few` in Polish");
    assert_eq!(summary(5), filled("summary.files.many", 5), "5 is `many` in Polish");

    let arabic = texts("ar", AR);
    let two = arabic.render(&Msg::SummaryFiles.with("count", Arg::Count(2)).and("names", "x".to_string()));
    assert_eq!(two, form(AR, "summary.files.two").replace("{names}", "x"), "2 is `two` (the dual) in Arabic");
}

#[wasm_bindgen_test]
fn sizes_percentages_durations_and_dates_are_the_browsers() {
    let german = texts("de", DE);
    let size = german.render(&Msg::ProblemTooLarge.with("size", Arg::Bytes(1_572_864)).and("max", Arg::Bytes(1536)));
    let expected = form(DE, "problem.file_too_large")
        .replace("{size}", &eval("new Intl.NumberFormat('de', {style: 'unit', unit: 'megabyte', maximumFractionDigits: 1}).format(1.5)"))
        .replace("{max}", &eval("new Intl.NumberFormat('de', {style: 'unit', unit: 'kilobyte', maximumFractionDigits: 1}).format(1.5)"));
    assert_eq!(size, expected);
    assert!(size.contains("1,5"), "a German decimal comma: {size}");

    let uploading = german.render(&Msg::StateUploading.with("percent", Arg::Percent(45)));
    assert_eq!(uploading, form(DE, "state.uploading").replace("{percent}", &eval("new Intl.NumberFormat('de', {style: 'percent'}).format(0.45)")));

    let pending = german.render(
        &Msg::StatusPending.with("submitted", Arg::Time(0.0)).and("max", Arg::Hours(2)).and("by", Arg::Time(7_200_000.0)),
    );
    assert!(pending.contains(&eval("new Intl.NumberFormat('de', {style: 'unit', unit: 'hour', unitDisplay: 'long'}).format(2)")), "{pending}");
    let by = eval(
        "new Intl.DateTimeFormat('de', {weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short'}).format(new Date(7200000))",
    );
    assert!(!by.is_empty() && pending.contains(&by), "{pending} / {by}");
}

#[wasm_bindgen_test]
fn english_needs_no_file_and_overrides_win() {
    let english = Texts::new("en", &Catalog::default(), &[("submit.button".into(), "Send".into())]);
    assert_eq!(english.get(Msg::SubmitButton), "Send");
    assert_eq!(english.get(Msg::SubmitBusy), "Uploading\u{2026}");
    assert_eq!(english.direction(), "ltr");
    assert_eq!(texts("ar", AR).direction(), "rtl");
    let size = english.render(&Msg::ProblemTooLarge.with("size", Arg::Bytes(512)).and("max", Arg::Bytes(2048)));
    assert_eq!(size, "This file is 512 bytes; the limit is 2 kB. Choose a smaller file.");
}
