//! The customer's language in the browser: which locale to speak (the
//! `locale` option, else `navigator.languages`), its catalog loaded on
//! demand from `locales/<tag>.json` beside the module, and numbers, sizes,
//! dates and plural categories put into words by the browser's `Intl`.
//!
//! A locale file is fetched once per page and kept. One that fails to load
//! leaves the widget in English (with a console warning for the developer);
//! the customer's flow goes on.

use crate::core::catalog::{Catalog, Formats, Msg, Text};
use crate::core::locale::{direction, negotiate};
use js_sys::{Array, Intl, Object};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/www/locales.js")]
extern "C" {
    /// Fetches `<base><tag>.json`, or `locales/<tag>.json` beside the module
    /// when `base` is empty: a promise of the file's object.
    #[wasm_bindgen(js_name = loadLocale)]
    fn load_locale(tag: &str, base: &str) -> js_sys::Promise;
}

thread_local! {
    /// The locale files loaded so far on this page, by URL base and locale.
    static LOADED: RefCell<Vec<(String, Rc<Catalog>)>> = const { RefCell::new(Vec::new()) };
    /// The locale `navigator.languages` asks for, read once per page (the
    /// widget asks on every render).
    static BROWSER_LOCALE: std::cell::OnceCell<&'static str> = const { std::cell::OnceCell::new() };
    /// The `Intl` formatters made so far, by locale and options: making one
    /// costs the browser a hundred times more than using it, and every
    /// render puts each file's size into words.
    static FORMATTERS: RefCell<Vec<(&'static str, &'static str, JsValue)>> = const { RefCell::new(Vec::new()) };
}

/// The locale for the host's `locale` option, else the browser's languages.
pub fn chosen_locale(option: Option<&str>) -> &'static str {
    match option {
        Some(tag) => negotiate([tag]),
        None => BROWSER_LOCALE.with(|locale| *locale.get_or_init(browser_locale)),
    }
}

fn browser_locale() -> &'static str {
    // `navigator.languages` through Reflect: the `Navigator` binding would
    // cost the bundle more than these two reads.
    let navigator = js_sys::Reflect::get(&js_sys::global(), &"navigator".into()).unwrap_or_default();
    let languages = js_sys::Reflect::get(&navigator, &"languages".into()).unwrap_or_default();
    let mut tags = Vec::new();
    if let Some(list) = languages.dyn_ref::<Array>() {
        for tag in list.iter() {
            tags.extend(tag.as_string());
        }
    }
    negotiate(tags.iter().map(String::as_str))
}

/// The catalog of `locale` from the files at `base` (empty: beside the
/// module) if this page has loaded it already (English is always there).
pub fn loaded(locale: &'static str, base: &str) -> Option<Rc<Catalog>> {
    if locale == "en" {
        return Some(Rc::default());
    }
    let key = [base, locale].concat();
    LOADED.with(|loaded| loaded.borrow().iter().find(|(known, _)| *known == key).map(|(_, catalog)| catalog.clone()))
}

/// Loads the catalog of `locale` from the files at `base`; `None` when its
/// file cannot be had.
pub async fn load(locale: &'static str, base: String) -> Option<Rc<Catalog>> {
    if let Some(catalog) = loaded(locale, &base) {
        return Some(catalog);
    }
    let file = match JsFuture::from(load_locale(locale, &base)).await {
        Ok(file) if file.is_object() => file,
        other => {
            let why = other.err().unwrap_or_else(|| "not a JSON object".into());
            let what = JsValue::from(["kyc-upload: locale \"", locale, "\" could not be loaded; using English:"].concat());
            web_sys::console::warn_2(&what, &why);
            return None;
        }
    };
    let catalog = Rc::new(catalog_of(&file));
    LOADED.with(|loaded| loaded.borrow_mut().push(([&base, locale].concat(), catalog.clone())));
    Some(catalog)
}

/// The catalog of a locale file's object (its string entries; the file's
/// `@same_as_english` list is for the tests and is skipped).
pub fn catalog_of(file: &JsValue) -> Catalog {
    let mut entries = Vec::new();
    for entry in Object::entries(file.unchecked_ref()).iter() {
        let pair: Array = entry.unchecked_into();
        entries.extend(pair.get(0).as_string().zip(pair.get(1).as_string()));
    }
    Catalog::new(&entries)
}

/// The texts the widget shows: a locale's catalog with the host's
/// overrides, and the browser's formatting for that locale.
#[derive(Clone, Debug)]
pub struct Texts {
    /// The locale shown (`lang` of the widget's root).
    pub locale: &'static str,
    catalog: Rc<Catalog>,
}

/// Texts are compared by locale and catalog identity: a re-render with
/// the same catalog changes nothing.
impl PartialEq for Texts {
    fn eq(&self, other: &Texts) -> bool {
        self.locale == other.locale && Rc::ptr_eq(&self.catalog, &other.catalog)
    }
}

impl Texts {
    /// `locale`'s `catalog` with `overrides` (message id, text) over it.
    pub fn new(locale: &'static str, catalog: &Catalog, overrides: &[(String, String)]) -> Texts {
        Texts { locale, catalog: Rc::new(catalog.overlaid(overrides)) }
    }

    /// The text of a message without placeholders.
    pub fn get(&self, msg: Msg) -> String {
        self.catalog.get(msg).to_owned()
    }

    /// A text in words.
    pub fn render(&self, text: &Text) -> String {
        self.catalog.render(text, self)
    }

    /// `ltr`, or `rtl` for Arabic: the root's `dir`.
    pub fn direction(&self) -> &'static str {
        direction(self.locale)
    }

    /// The formatter for this locale and `key` (its options), made by
    /// `make` from the locale list the first time it is asked for.
    /// (One function for the three kinds, not a generic: smaller bundle.)
    fn formatter(&self, key: &'static str, make: &dyn Fn(&Array) -> JsValue) -> JsValue {
        FORMATTERS.with(|made| {
            let mut made = made.borrow_mut();
            if let Some((.., formatter)) = made.iter().find(|(locale, k, _)| *locale == self.locale && *k == key) {
                return formatter.clone();
            }
            let formatter = make(&Array::of1(&JsValue::from_str(self.locale)));
            made.push((self.locale, key, formatter.clone()));
            formatter
        })
    }

    /// `value` through `Intl.NumberFormat` with `options` (JSON: a static
    /// text parsed by the browser costs the bundle less than building the
    /// object field by field).
    fn number(&self, value: f64, options: &'static str) -> String {
        let format: Intl::NumberFormat =
            self.formatter(options, &|locales| Intl::NumberFormat::new(locales, &options_object(options)).into()).unchecked_into();
        format.format().call1(&JsValue::NULL, &value.into()).ok().and_then(|s| s.as_string()).unwrap_or_default()
    }
}

fn options_object(json: &str) -> Object {
    js_sys::JSON::parse(json).map_or_else(|_| Object::new(), JsCast::unchecked_into)
}

/// A short weekday and date, the time and the zone, so that "by 14:05"
/// read the next morning, or in another zone than the reviewer's, still
/// says when.
const DATE_TIME: &str = r#"{"weekday":"short","month":"short","day":"numeric","hour":"numeric","minute":"2-digit","timeZoneName":"short"}"#;

impl Formats for Texts {
    fn count(&self, n: u64) -> String {
        self.number(n as f64, "{}")
    }

    fn bytes(&self, bytes: u64) -> String {
        let (options, value) = match bytes {
            // "193 bytes": the short form ("193 byte") reads as a typo.
            b if b < 1024 => (r#"{"style":"unit","unit":"byte","unitDisplay":"long"}"#, b as f64),
            b if b < 1024 * 1024 => (r#"{"style":"unit","unit":"kilobyte","maximumFractionDigits":1}"#, b as f64 / 1024.0),
            b => (r#"{"style":"unit","unit":"megabyte","maximumFractionDigits":1}"#, b as f64 / (1024.0 * 1024.0)),
        };
        self.number(value, options)
    }

    fn percent(&self, percent: u8) -> String {
        self.number(f64::from(percent) / 100.0, r#"{"style":"percent"}"#)
    }

    fn hours(&self, hours: u8) -> String {
        self.number(f64::from(hours), r#"{"style":"unit","unit":"hour","unitDisplay":"long"}"#)
    }

    fn time(&self, ms: f64) -> String {
        let format: Intl::DateTimeFormat =
            self.formatter(DATE_TIME, &|locales| Intl::DateTimeFormat::new(locales, &options_object(DATE_TIME)).into()).unchecked_into();
        let date = js_sys::Date::new(&JsValue::from_f64(ms));
        format.format().call1(&JsValue::NULL, &date).ok().and_then(|s| s.as_string()).unwrap_or_default()
    }

    fn plural(&self, n: u64) -> String {
        // A key no options text can be (they are JSON objects).
        let rules: Intl::PluralRules = self.formatter("plural", &|locales| Intl::PluralRules::new(locales, &Object::new()).into()).unchecked_into();
        rules.select(n as f64).into()
    }
}
