//! The locale files against the built-in English catalog, natively: every
//! message in every shipped locale, the same placeholders, the plural
//! forms each language needs, nothing left in English by mistake, and no
//! id the widget does not know.
#![cfg(not(target_arch = "wasm32"))]

use kyc_upload::core::catalog::{placeholders, Catalog, Formats, Msg, ALL};
use kyc_upload::core::locale::LOCALES;
use std::collections::BTreeSet;

/// The CLDR plural categories of each locale's cardinal numbers (CLDR 46),
/// which its plural messages must all have.
fn plural_categories(locale: &str) -> &'static [&'static str] {
    match locale {
        "en" | "de" => &["one", "other"],
        "es" | "fr" | "it" | "pt-BR" => &["one", "many", "other"],
        "pl" => &["one", "few", "many", "other"],
        "ar" => &["zero", "one", "two", "few", "many", "other"],
        "ja" => &["other"],
        other => panic!("no plural categories listed for {other}"),
    }
}

/// A locale file: its texts by id, and the ids it declares identical to
/// English on purpose (`@same_as_english`).
struct LocaleFile {
    texts: Vec<(String, String)>,
    same_as_english: BTreeSet<String>,
}

fn read(locale: &str) -> LocaleFile {
    let path = format!("{}/www/locales/{locale}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let json: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut file = LocaleFile { texts: Vec::new(), same_as_english: BTreeSet::new() };
    for (key, value) in json {
        if key == "@same_as_english" {
            let ids = value.as_array().unwrap_or_else(|| panic!("{path}: @same_as_english must be a list"));
            file.same_as_english = ids.iter().map(|id| id.as_str().expect("an id").to_owned()).collect();
        } else {
            let text = value.as_str().unwrap_or_else(|| panic!("{path}: {key} must be a string"));
            file.texts.push((key, text.to_owned()));
        }
    }
    file
}

fn sorted<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut names: Vec<&str> = names.into_iter().collect();
    names.sort_unstable();
    names
}

/// Plural bases (`summary.files`) and their English `other` message.
fn plural_messages() -> Vec<(&'static str, Msg)> {
    ALL.iter().filter_map(|msg| Some((msg.plural_base()?, *msg))).collect()
}

fn is_plural_form(id: &str) -> bool {
    plural_messages().iter().any(|(base, _)| id.strip_prefix(base).is_some_and(|rest| rest.starts_with('.')))
}

#[test]
fn every_shipped_locale_but_english_has_a_file() {
    let dir = format!("{}/www/locales", env!("CARGO_MANIFEST_DIR"));
    let files: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().trim_end_matches(".json").to_owned())
        .collect();
    let shipped: BTreeSet<String> = LOCALES.iter().skip(1).map(|l| l.to_string()).collect();
    assert_eq!(files, shipped, "www/locales/ holds exactly the shipped locales other than English");
}

#[test]
fn every_message_is_translated_with_the_same_placeholders() {
    for locale in &LOCALES[1..] {
        let file = read(locale);
        let text_of = |id: &str| file.texts.iter().find(|(known, _)| known == id).map(|(_, text)| text.as_str());
        for msg in ALL.iter().filter(|m| !is_plural_form(m.id())) {
            let text = text_of(msg.id()).unwrap_or_else(|| panic!("{locale}: {} is missing", msg.id()));
            assert_eq!(sorted(placeholders(text)), sorted(placeholders(msg.english())), "{locale}: {} placeholders", msg.id());
            if text == msg.english() {
                assert!(file.same_as_english.contains(msg.id()), "{locale}: {} is still the English text \"{text}\"", msg.id());
            }
        }
        for id in &file.same_as_english {
            assert!(Msg::from_id(id).is_some(), "{locale}: @same_as_english names an unknown id {id}");
        }
    }
}

#[test]
fn plural_messages_have_every_form_their_language_needs() {
    for locale in &LOCALES[1..] {
        let file = read(locale);
        for (base, other) in plural_messages() {
            for category in plural_categories(locale) {
                let id = format!("{base}.{category}");
                let (_, text) = file.texts.iter().find(|(known, _)| *known == id).unwrap_or_else(|| panic!("{locale}: {id} is missing"));
                let english: BTreeSet<&str> = placeholders(other.english()).into_iter().collect();
                let used: BTreeSet<&str> = placeholders(text).into_iter().collect();
                assert!(used.is_subset(&english), "{locale}: {id} uses placeholders English does not give: {used:?}");
                let names_every_value = used.len() == english.len();
                assert!(
                    names_every_value || matches!(*category, "zero" | "one" | "two"),
                    "{locale}: {id} must show every value ({english:?}); only zero, one and two may spell the count out"
                );
            }
        }
    }
}

#[test]
fn locale_files_hold_only_known_ids() {
    for locale in &LOCALES[1..] {
        for (id, _) in read(locale).texts {
            let known = match id.rsplit_once('.') {
                Some((base, category)) if is_plural_form(&id) => {
                    plural_messages().iter().any(|(b, _)| *b == base) && plural_categories(locale).contains(&category)
                }
                _ => Msg::from_id(&id).is_some(),
            };
            assert!(known, "{locale}: unknown message id {id}");
        }
    }
}

/// Formatting as plain as possible: this test is about the catalog.
struct Digits;

impl Formats for Digits {
    fn count(&self, n: u64) -> String {
        n.to_string()
    }
    fn bytes(&self, bytes: u64) -> String {
        bytes.to_string()
    }
    fn percent(&self, percent: u8) -> String {
        percent.to_string()
    }
    fn hours(&self, hours: u8) -> String {
        hours.to_string()
    }
    fn time(&self, ms: f64) -> String {
        ms.to_string()
    }
    fn plural(&self, n: u64) -> String {
        if n == 1 { "one" } else { "few" }.into()
    }
}

#[test]
fn a_locale_file_renders_its_own_texts_and_its_plural_forms() {
    let polish = Catalog::new(&read("pl").texts);
    assert_ne!(polish.get(Msg::SubmitButton), Msg::SubmitButton.english());
    let text = Msg::SummaryFiles.with("count", kyc_upload::core::catalog::Arg::Count(3)).and("names", "x".to_string());
    let few = read("pl").texts.into_iter().find(|(id, _)| id == "summary.files.few").unwrap().1;
    assert_eq!(polish.render(&text, &Digits), few.replace("{count}", "3").replace("{names}", "x"));
}

#[test]
fn the_typescript_message_ids_are_the_catalog_ids() {
    let path = format!("{}/www/types/kyc-upload.d.ts", env!("CARGO_MANIFEST_DIR"));
    let types = std::fs::read_to_string(&path).unwrap();
    let start = types.find("export type MessageId =").expect("MessageId in the types");
    let union = &types[start..start + types[start..].find(';').unwrap()];
    let mut declared: BTreeSet<String> = union.split('"').skip(1).step_by(2).map(str::to_owned).collect();
    for (base, _) in plural_messages() {
        assert!(union.contains(&format!("`{base}.${{PluralCategory}}`")), "{path}: plural forms of {base}");
        declared.insert(format!("{base}.one"));
        declared.insert(format!("{base}.other"));
    }
    let catalog: BTreeSet<String> = ALL.iter().map(|m| m.id().to_owned()).collect();
    assert_eq!(declared, catalog, "{path}: MessageId lists exactly the catalog's ids");
}
