//! Which of the widget's languages to speak, from BCP 47 tags in order of
//! preference (the `locale` option, then `navigator.languages`), and in
//! which direction it is written.
//!
//! The first preference that any shipped locale serves wins: its exact tag
//! if shipped, else the shipped locale of the same language (`es-MX` gets
//! `es`, `pt-PT` gets `pt-BR`, the only Portuguese there is). Nothing
//! served, or nothing asked, is English; an unknown or malformed tag is
//! never an error.

/// The locales the widget ships, English first (the fallback).
pub const LOCALES: [&str; 9] = ["en", "es", "fr", "de", "it", "pt-BR", "pl", "ar", "ja"];

/// The locale to use for `preferences`, most preferred first.
pub fn negotiate<'a>(preferences: impl IntoIterator<Item = &'a str>) -> &'static str {
    preferences.into_iter().find_map(serve).unwrap_or(LOCALES[0])
}

/// The shipped locale that serves one tag, if any.
fn serve(tag: &str) -> Option<&'static str> {
    let tag = tag.trim();
    if let Some(exact) = LOCALES.iter().find(|l| l.eq_ignore_ascii_case(tag)) {
        return Some(exact);
    }
    let language = language_of(tag)?;
    LOCALES.iter().copied().find(|l| language_of(l).is_some_and(|other| other.eq_ignore_ascii_case(language)))
}

/// The language subtag: 2 or 3 letters before the first `-` or `_`.
fn language_of(tag: &str) -> Option<&str> {
    let language = tag.split(['-', '_']).next()?;
    (matches!(language.len(), 2 | 3) && language.bytes().all(|b| b.is_ascii_alphabetic())).then_some(language)
}

/// `"rtl"` for the right-to-left locales (Arabic), else `"ltr"`: the
/// widget root's `dir`.
pub fn direction(locale: &str) -> &'static str {
    match language_of(locale) {
        Some(language) if language.eq_ignore_ascii_case("ar") => "rtl",
        _ => "ltr",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_tags_and_their_languages_are_served() {
        assert_eq!(negotiate(["fr"]), "fr");
        assert_eq!(negotiate(["PT-br"]), "pt-BR", "tags compare without case");
        assert_eq!(negotiate(["es-MX"]), "es");
        assert_eq!(negotiate(["de_AT"]), "de", "underscores as some systems write them");
        assert_eq!(negotiate(["pt-PT"]), "pt-BR", "the only Portuguese shipped");
        assert_eq!(negotiate(["ar-EG"]), "ar");
        assert_eq!(negotiate(["ja-JP-u-ca-japanese"]), "ja");
    }

    #[test]
    fn the_first_preference_served_wins() {
        assert_eq!(negotiate(["zh-CN", "fr-CA", "de"]), "fr");
        assert_eq!(negotiate(["es-MX", "en"]), "es", "a regional Spanish speaker gets Spanish, not the later exact English");
        assert_eq!(negotiate(["pt-PT", "es"]), "pt-BR");
    }

    #[test]
    fn anything_unknown_is_english_never_an_error() {
        assert_eq!(negotiate([]), "en");
        assert_eq!(negotiate(["zh-Hant-TW", "ko"]), "en");
        assert_eq!(negotiate(["", "  ", "-", "x-klingon", "12-34", "português"]), "en");
        assert_eq!(negotiate([" it "]), "it", "surrounding spaces are ignored");
    }

    #[test]
    fn only_arabic_reads_right_to_left() {
        assert_eq!(direction("ar"), "rtl");
        assert_eq!(direction("AR-eg"), "rtl");
        for locale in LOCALES.iter().filter(|l| **l != "ar") {
            assert_eq!(direction(locale), "ltr", "{locale}");
        }
        assert_eq!(direction("arabic"), "ltr", "not a language subtag");
    }
}
