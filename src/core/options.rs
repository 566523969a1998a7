//! The host's options, checked once at mount: every unknown, mistyped or
//! out-of-range option is refused with an error that names it.

use crate::core::camera::{Capture, Liveness};
use crate::core::locale::negotiate;
use crate::core::rules::{CustomerType, Requirements};

/// A JavaScript value reduced to what option checking needs.
#[derive(Clone, Debug, PartialEq)]
pub enum RawValue {
    /// `undefined` (treated as absent).
    Undefined,
    /// `null` (treated as absent).
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    String(String),
    /// A function (callbacks).
    Function,
    /// A plain object's own properties (read two levels deep, for `messages`).
    Object(Vec<(String, RawValue)>),
    /// Anything else, by its `typeof` or kind (`object`, `array`, ...).
    Other(String),
}

impl RawValue {
    fn type_name(&self) -> &str {
        match self {
            RawValue::Undefined => "undefined",
            RawValue::Null => "null",
            RawValue::Bool(_) => "boolean",
            RawValue::Number(_) => "number",
            RawValue::String(_) => "string",
            RawValue::Function => "function",
            RawValue::Object(_) => "object",
            RawValue::Other(kind) => kind,
        }
    }

    /// The type with its article, for messages: "a string", "an object".
    fn described(&self) -> String {
        let name = self.type_name();
        let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
        format!("{article} {name}")
    }

    fn is_absent(&self) -> bool {
        matches!(self, RawValue::Undefined | RawValue::Null)
    }
}

/// What the quality gate does with a `reject` verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum QualityGate {
    /// A rejected photo blocks submission until it is replaced.
    #[default]
    Block,
    /// The customer sees the warning and may continue.
    Warn,
    /// No analysis.
    Off,
}

/// Every option, checked and with defaults applied.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// API base URL without a trailing slash (`http://127.0.0.1:8787/v1`).
    pub api_base: String,
    /// The customer whose files these are.
    pub customer_id: String,
    /// Given by the host, or `None` to read it from the API first.
    pub customer_type: Option<CustomerType>,
    /// Which optional slots are required.
    pub requirements: Requirements,
    /// Largest file accepted as is, in bytes.
    pub max_file_size: u64,
    /// The customer's language as a BCP 47 tag, or `None` to follow the
    /// browser's languages. Any tag is accepted: one no locale serves gets
    /// English.
    pub locale: Option<String>,
    /// The host's texts, by message id, over the catalog's.
    pub messages: Vec<MessageOverride>,
    /// Where the locale files are (`<localesUrl><tag>.json`), when not
    /// beside the module (a bundler that does not keep the package's folder).
    pub locales_url: Option<String>,
    /// Photo quality policy.
    pub quality_gate: QualityGate,
    /// How photo slots offer the live camera.
    pub capture: Capture,
    /// What the liveness slot records.
    pub liveness: Liveness,
    /// Whether to poll `GET /customers/{id}` for the result.
    pub poll_status: bool,
    /// Poll interval in milliseconds.
    pub poll_interval_ms: u64,
    /// How long a PUT may go without upload progress or an answer before it
    /// is abandoned (and retried), in milliseconds.
    pub stall_timeout_ms: u64,
    /// Where business customers verify instead (the KYB flow), linked from
    /// the refusal.
    pub kyb_url: Option<String>,
    /// How to reach the operations team, linked once a verification has
    /// been pending for more than 5 hours.
    pub support_url: Option<String>,
}

/// One text of the `messages` option: for every locale, or for one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageOverride {
    /// The locale it is for (`messages: {es: {...}}`), or `None` for all.
    pub locale: Option<String>,
    /// The message id (`submit.button`).
    pub id: String,
    /// The text.
    pub text: String,
}

impl Options {
    /// The host's texts for `locale` (a shipped locale), as (message id,
    /// text): those for every locale, then those for this one, which win.
    pub fn overrides_for(&self, locale: &str) -> Vec<(String, String)> {
        let mut texts = Vec::new();
        for for_this_locale in [false, true] {
            for m in &self.messages {
                let applies = match &m.locale {
                    None => !for_this_locale,
                    Some(tag) => for_this_locale && negotiate([tag.as_str()]) == locale,
                };
                if applies {
                    texts.push((m.id.clone(), m.text.clone()));
                }
            }
        }
        texts
    }
}

/// Default `maxFileSize`: 10 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;
/// Largest `maxFileSize` the widget accepts: 100 MiB.
pub const MAX_MAX_FILE_SIZE: u64 = 100 * 1024 * 1024;
/// Default and smallest poll interval: polling is modest by design.
pub const DEFAULT_POLL_INTERVAL_MS: u64 = 30_000;
/// The shortest poll interval accepted.
pub const MIN_POLL_INTERVAL_MS: u64 = 5_000;

/// Default time a PUT may stall (no progress, no answer) before it is
/// abandoned and retried.
pub const DEFAULT_STALL_TIMEOUT_MS: u64 = 30_000;
/// The shortest stall timeout accepted: below this a slow but working
/// connection would be cut off between two progress events.
pub const MIN_STALL_TIMEOUT_MS: u64 = 1_000;

/// Options that take functions; the browser layer keeps the functions.
pub const CALLBACK_OPTIONS: [&str; 6] = ["getToken", "onProgress", "onSubmitted", "onError", "onStatusChange", "onContinue"];

/// Options that take plain values.
pub const VALUE_OPTIONS: [&str; 17] = [
    "apiBase",
    "customerId",
    "customerType",
    "requireProofOfAddress",
    "requireLiveness",
    "maxFileSize",
    "locale",
    "messages",
    "localesUrl",
    "qualityGate",
    "capture",
    "liveness",
    "pollStatus",
    "pollIntervalMs",
    "stallTimeoutMs",
    "kybUrl",
    "supportUrl",
];

/// An option the host got wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionError {
    /// The option's name as the host wrote it.
    pub option: String,
    /// What is wrong and what is expected.
    pub message: String,
}

impl OptionError {
    fn new(option: &str, message: impl Into<String>) -> OptionError {
        OptionError { option: option.to_owned(), message: message.into() }
    }

    /// Stable code for `onError` and thrown errors.
    pub fn code(&self) -> &'static str {
        "invalid_option"
    }
}

/// Checks the host's options. `entries` are the object's own properties.
pub fn parse_options(entries: &[(String, RawValue)]) -> Result<Options, OptionError> {
    for (key, _) in entries {
        if !VALUE_OPTIONS.contains(&key.as_str()) && !CALLBACK_OPTIONS.contains(&key.as_str()) {
            let hint = closest_option(key).map(|o| format!(" Did you mean `{o}`?")).unwrap_or_default();
            return Err(OptionError::new(key, format!("Unknown option `{key}`.{hint}")));
        }
    }
    let get = |name: &str| entries.iter().find(|(k, _)| k == name).map(|(_, v)| v).filter(|v| !v.is_absent());
    for name in CALLBACK_OPTIONS {
        if let Some(value) = get(name) {
            if *value != RawValue::Function {
                return Err(OptionError::new(name, format!("`{name}` must be a function, not {}.", value.described())));
            }
        }
    }
    if get("getToken").is_none() {
        return Err(OptionError::new(
            "getToken",
            "`getToken` is required: a function returning a token (or a Promise of one) from your backend.",
        ));
    }
    let api_base = parse_api_base(required_string(get("apiBase"), "apiBase")?)?;
    let customer_id = parse_customer_id(required_string(get("customerId"), "customerId")?)?;
    let customer_type = match get("customerType") {
        None => None,
        Some(RawValue::String(s)) => Some(CustomerType::parse(s).ok_or_else(|| {
            OptionError::new("customerType", format!("`customerType` must be \"individual\" or \"business\", not \"{s}\"."))
        })?),
        Some(other) => return Err(wrong_type("customerType", "a string", other)),
    };
    let requirements = Requirements {
        proof_of_address: optional_bool(get("requireProofOfAddress"), "requireProofOfAddress")?,
        liveness: optional_bool(get("requireLiveness"), "requireLiveness")?,
    };
    let max_file_size = match get("maxFileSize") {
        None => DEFAULT_MAX_FILE_SIZE,
        Some(RawValue::Number(n)) if n.fract() == 0.0 && *n >= 1.0 && *n <= MAX_MAX_FILE_SIZE as f64 => *n as u64,
        Some(RawValue::Number(n)) => {
            return Err(OptionError::new(
                "maxFileSize",
                format!("`maxFileSize` must be a whole number of bytes from 1 to {MAX_MAX_FILE_SIZE}, not {}.", number_text(*n)),
            ))
        }
        Some(other) => return Err(wrong_type("maxFileSize", "a number of bytes", other)),
    };
    let locale = match get("locale") {
        None => None,
        Some(RawValue::String(s)) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Some(other) => return Err(wrong_type("locale", "a BCP 47 language tag string", other)),
    };
    let messages = match get("messages") {
        None => Vec::new(),
        Some(RawValue::Object(entries)) => parse_messages(entries)?,
        Some(other) => return Err(wrong_type("messages", "an object of texts by message id", other)),
    };
    let quality_gate = [QualityGate::Block, QualityGate::Warn, QualityGate::Off]
        [choice(get("qualityGate"), "qualityGate", &["block", "warn", "off"])?];
    let capture = [Capture::Auto, Capture::Camera, Capture::Files][choice(get("capture"), "capture", &["auto", "camera", "files"])?];
    let liveness = [Liveness::Photo, Liveness::Video][choice(get("liveness"), "liveness", &["photo", "video"])?];
    let poll_status = optional_bool(get("pollStatus"), "pollStatus")?;
    let poll_interval_ms = milliseconds(get("pollIntervalMs"), "pollIntervalMs", DEFAULT_POLL_INTERVAL_MS, MIN_POLL_INTERVAL_MS)?;
    let stall_timeout_ms = milliseconds(get("stallTimeoutMs"), "stallTimeoutMs", DEFAULT_STALL_TIMEOUT_MS, MIN_STALL_TIMEOUT_MS)?;
    let locales_url = optional_link(get("localesUrl"), "localesUrl")?;
    let kyb_url = optional_link(get("kybUrl"), "kybUrl")?;
    let support_url = optional_link(get("supportUrl"), "supportUrl")?;
    Ok(Options {
        api_base,
        customer_id,
        customer_type,
        requirements,
        max_file_size,
        locale,
        messages,
        locales_url,
        quality_gate,
        capture,
        liveness,
        poll_status,
        poll_interval_ms,
        stall_timeout_ms,
        kyb_url,
        support_url,
    })
}

/// A duration option in milliseconds: `default` when absent, at least `min`.
fn milliseconds(value: Option<&RawValue>, option: &str, default: u64, min: u64) -> Result<u64, OptionError> {
    match value {
        None => Ok(default),
        Some(RawValue::Number(n)) if n.is_finite() && *n >= min as f64 => Ok(*n as u64),
        Some(RawValue::Number(n)) => {
            Err(OptionError::new(option, format!("`{option}` must be at least {min} ms, not {}.", number_text(*n))))
        }
        Some(other) => Err(wrong_type(option, "a number of milliseconds", other)),
    }
}

/// A string option with a fixed set of values: the index of the value in
/// `values`, 0 (the default) when absent.
fn choice(value: Option<&RawValue>, option: &str, values: &[&str]) -> Result<usize, OptionError> {
    match value {
        None => Ok(0),
        Some(RawValue::String(s)) => values.iter().position(|v| v == s).ok_or_else(|| {
            // "a", "b" or "c"
            let mut list = String::new();
            for (i, v) in values.iter().enumerate() {
                list += if i == 0 { "\"" } else if i + 1 == values.len() { "\" or \"" } else { "\", \"" };
                list += v;
            }
            OptionError::new(option, format!("`{option}` must be {list}\", not \"{s}\"."))
        }),
        Some(other) => Err(wrong_type(option, "a string", other)),
    }
}

/// The `messages` option: `{ "submit.button": "Send" }` for every locale,
/// `{ es: { "submit.button": "Enviar" } }` for one; both may be mixed.
/// Unknown ids are kept without a warning (a newer widget may know them).
fn parse_messages(entries: &[(String, RawValue)]) -> Result<Vec<MessageOverride>, OptionError> {
    let mut messages = Vec::new();
    let text = |key: &str, value: &RawValue| match value {
        RawValue::String(text) => Ok(Some(text.clone())),
        value if value.is_absent() => Ok(None),
        other => Err(wrong_type(&format!("messages.{key}"), "a string", other)),
    };
    for (key, value) in entries {
        if let RawValue::Object(texts) = value {
            for (id, value) in texts {
                if let Some(text) = text(&format!("{key}.{id}"), value)? {
                    messages.push(MessageOverride { locale: Some(key.clone()), id: id.clone(), text });
                }
            }
        } else if let Some(text) = text(key, value)? {
            messages.push(MessageOverride { locale: None, id: key.clone(), text });
        }
    }
    Ok(messages)
}

/// A link the widget shows the customer (`kybUrl`, `supportUrl`): an
/// absolute `https://` or `http://` URL, a `mailto:` address, or a path on
/// the host's own site (`/kyb`). Anything else (`javascript:`, `//other.example`, a bare word)
/// is refused, so a link can only lead to a page.
fn optional_link(value: Option<&RawValue>, option: &str) -> Result<Option<String>, OptionError> {
    let url = match value {
        None => return Ok(None),
        Some(RawValue::String(s)) => s.trim(),
        Some(other) => return Err(wrong_type(option, "a URL string", other)),
    };
    let lower = url.to_ascii_lowercase();
    let page = ["https://", "http://", "mailto:"].iter().any(|scheme| lower.strip_prefix(scheme).is_some_and(|rest| !rest.is_empty()))
        || (url.starts_with('/') && !url.starts_with("//"));
    if !page || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(OptionError::new(
            option,
            format!("`{option}` must be an https:// or mailto: URL, or a path on your site such as \"/kyb\", not \"{url}\"."),
        ));
    }
    Ok(Some(url.to_owned()))
}

/// A number for an error message, without float formatting (which would
/// add kilobytes to the wasm bundle): whole numbers as such, others vaguely.
fn number_text(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else if n.is_nan() {
        "NaN".into()
    } else {
        "a fractional or out-of-range number".into()
    }
}

fn wrong_type(option: &str, expected: &str, got: &RawValue) -> OptionError {
    OptionError::new(option, format!("`{option}` must be {expected}, not {}.", got.described()))
}

fn required_string<'a>(value: Option<&'a RawValue>, option: &str) -> Result<&'a str, OptionError> {
    match value {
        None => Err(OptionError::new(option, format!("`{option}` is required."))),
        Some(RawValue::String(s)) if s.trim().is_empty() => {
            Err(OptionError::new(option, format!("`{option}` is empty.")))
        }
        Some(RawValue::String(s)) => Ok(s.trim()),
        Some(other) => Err(wrong_type(option, "a string", other)),
    }
}

fn optional_bool(value: Option<&RawValue>, option: &str) -> Result<bool, OptionError> {
    match value {
        None => Ok(false),
        Some(RawValue::Bool(b)) => Ok(*b),
        Some(other) => Err(wrong_type(option, "true or false", other)),
    }
}

/// `apiBase` must be an absolute http(s) URL with a host, no query or
/// fragment, and no credentials; a trailing slash is dropped and the
/// scheme is lower-cased. Every API call carries the Bearer token, so plain
/// `http://` is accepted only for a loopback host (see [`is_loopback_host`]).
fn parse_api_base(value: &str) -> Result<String, OptionError> {
    let bad = |why: &str| {
        OptionError::new("apiBase", format!("`apiBase` must be an absolute http(s) URL such as \"https://api.example.com/v1\": {why}."))
    };
    // Split at the first ':' (a char pattern: no string searcher in the bundle).
    let (scheme, rest) = value
        .split_once(':')
        .and_then(|(scheme, rest)| Some((scheme, rest.strip_prefix("//")?)))
        .ok_or_else(|| bad(&format!("\"{value}\" has no http:// or https:// scheme")))?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return Err(bad(&format!("\"{value}\" has no http:// or https:// scheme")));
    }
    if value.contains(['?', '#', '\\']) || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("it must not contain a query, a fragment, a backslash or spaces"));
    }
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.is_empty() {
        return Err(bad("it has no host"));
    }
    if authority.contains('@') {
        return Err(bad("it must not carry credentials"));
    }
    let host = host_of(authority).ok_or_else(|| bad(&format!("\"{authority}\" is not a valid host and port")))?;
    if scheme == "http" && !is_loopback_host(host) {
        return Err(OptionError::new(
            "apiBase",
            format!(
                "`apiBase` must use https: every API call carries a Bearer token, which over plain http would travel in clear. \
                 Use \"https://{rest}\" (plain http:// is accepted only for localhost, 127.x.y.z and [::1]).",
                rest = rest.trim_end_matches('/')
            ),
        ));
    }
    Ok(format!("{scheme}://{}", rest.trim_end_matches('/')))
}

/// The host part of `host[:port]` or `[ipv6][:port]`, or `None` when the
/// port is not a number from 0 to 65535 or the brackets are unbalanced.
fn host_of(authority: &str) -> Option<&str> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(bracketed) => {
            let (inner, after) = bracketed.split_once(']')?;
            let port = match after {
                "" => None,
                _ => Some(after.strip_prefix(':')?),
            };
            (&authority[..inner.len() + 2], port)
        }
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u32>().is_ok_and(|n| n <= 65_535));
    (!host.is_empty() && port_ok).then_some(host)
}

/// Whether `host` (as written in a URL, IPv6 in brackets) is this machine:
/// `localhost`, an IPv4 address in 127.0.0.0/8 written as four decimal
/// numbers, or `[::1]`. Anything else is not, including what merely starts
/// like a loopback name (`127.0.0.1.example.com`, `localhost.example.com`)
/// and the unusual spellings a browser would also map to 127.0.0.1
/// (`0x7f.1`, `2130706433`, percent-escapes): refusing those is safe.
/// (Hand-written rather than `std::net` parsing, which costs bundle bytes.)
pub fn is_loopback_host(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") || host == "[::1]" {
        return true;
    }
    let octet = |p: &str| {
        !p.is_empty()
            && p.len() <= 3
            && p.bytes().all(|b| b.is_ascii_digit())
            && (p.len() == 1 || !p.starts_with('0'))
            && p.parse::<u16>().is_ok_and(|n| n <= 255)
    };
    let mut parts = 0;
    for part in host.split('.') {
        if !octet(part) || (parts == 0 && part != "127") {
            return false;
        }
        parts += 1;
    }
    parts == 4
}

/// Customer ids go into URL paths: letters, digits, `_` and `-` only.
fn parse_customer_id(value: &str) -> Result<String, OptionError> {
    let valid = value.len() <= 128 && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if valid {
        Ok(value.to_owned())
    } else {
        Err(OptionError::new(
            "customerId",
            "`customerId` may contain only letters, digits, `_` and `-` (at most 128 characters).",
        ))
    }
}

/// The known option nearest to a misspelt one, if any is close.
fn closest_option(key: &str) -> Option<&'static str> {
    let lower = key.to_ascii_lowercase();
    // The nearest at most 3 edits away; of equally near ones, the first in
    // alphabetical order.
    let mut best: Option<(usize, &'static str)> = None;
    for list in [&VALUE_OPTIONS[..], &CALLBACK_OPTIONS[..]] {
        for &option in list {
            let candidate = (edit_distance(&lower, &option.to_ascii_lowercase()), option);
            if candidate.0 <= 3 && best.is_none_or(|b| candidate < b) {
                best = Some(candidate);
            }
        }
    }
    best.map(|(_, option)| option)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Vec<(String, RawValue)> {
        vec![
            ("apiBase".into(), RawValue::String("http://127.0.0.1:8787/v1/".into())),
            ("customerId".into(), RawValue::String("cus_123".into())),
            ("getToken".into(), RawValue::Function),
        ]
    }

    fn with(key: &str, value: RawValue) -> Vec<(String, RawValue)> {
        let mut entries = base();
        entries.retain(|(k, _)| k != key);
        entries.push((key.into(), value));
        entries
    }

    #[test]
    fn wrong_types_are_named_with_their_article() {
        let err = parse_options(&with("maxFileSize", RawValue::Other("object".into()))).unwrap_err();
        assert_eq!(err.message, "`maxFileSize` must be a number of bytes, not an object.");
        let err = parse_options(&with("onError", RawValue::String("x".into()))).unwrap_err();
        assert_eq!(err.message, "`onError` must be a function, not a string.");
    }

    #[test]
    fn defaults_apply() {
        let options = parse_options(&base()).unwrap();
        assert_eq!(options.api_base, "http://127.0.0.1:8787/v1");
        assert_eq!(options.max_file_size, DEFAULT_MAX_FILE_SIZE);
        assert_eq!(options.quality_gate, QualityGate::Block);
        assert_eq!(options.customer_type, None);
    }

    #[test]
    fn unknown_options_are_named_with_a_hint() {
        let err = parse_options(&with("apiBse", RawValue::String("x".into()))).unwrap_err();
        assert_eq!(err.option, "apiBse");
        assert!(err.message.contains("Did you mean `apiBase`?"), "{}", err.message);
        // Equally near (3 edits) to `locale` and `liveness`: the first in
        // alphabetical order, not the first listed.
        let err = parse_options(&with("livele", RawValue::Bool(true))).unwrap_err();
        assert_eq!(err.message, "Unknown option `livele`. Did you mean `liveness`?");
        let err = parse_options(&with("somethingElse", RawValue::Bool(true))).unwrap_err();
        assert_eq!(err.message, "Unknown option `somethingElse`.");
    }

    #[test]
    fn a_value_outside_a_choice_lists_the_choices() {
        let err = parse_options(&with("qualityGate", RawValue::String("strict".into()))).unwrap_err();
        assert_eq!(err.message, "`qualityGate` must be \"block\", \"warn\" or \"off\", not \"strict\".");
        let err = parse_options(&with("liveness", RawValue::String("gif".into()))).unwrap_err();
        assert_eq!(err.message, "`liveness` must be \"photo\" or \"video\", not \"gif\".");
    }

    #[test]
    fn bad_values_name_the_option() {
        let cases = [
            ("apiBase", RawValue::String("/v1".into())),
            ("apiBase", RawValue::String("ftp://x".into())),
            ("apiBase", RawValue::String("javascript:alert(1)".into())),
            ("apiBase", RawValue::Number(1.0)),
            ("customerId", RawValue::String("".into())),
            ("customerId", RawValue::String("../admin".into())),
            ("customerType", RawValue::String("company".into())),
            ("getToken", RawValue::String("abc".into())),
            ("getToken", RawValue::Undefined),
            ("maxFileSize", RawValue::Number(-1.0)),
            ("maxFileSize", RawValue::String("10MB".into())),
            ("qualityGate", RawValue::String("strict".into())),
            ("onError", RawValue::Bool(true)),
            ("requireLiveness", RawValue::String("yes".into())),
            ("pollIntervalMs", RawValue::Number(100.0)),
            ("stallTimeoutMs", RawValue::Number(999.0)),
            ("stallTimeoutMs", RawValue::Number(f64::NAN)),
            ("stallTimeoutMs", RawValue::String("30s".into())),
        ];
        for (option, value) in cases {
            let err = parse_options(&with(option, value.clone())).unwrap_err();
            assert_eq!(err.option, option, "{value:?}: {}", err.message);
            assert!(err.message.contains(option), "{}", err.message);
        }
    }

    #[test]
    fn business_is_parsed_not_refused_here() {
        let options = parse_options(&with("customerType", RawValue::String("business".into()))).unwrap();
        assert_eq!(options.customer_type, Some(CustomerType::Business));
    }

    fn api_base(value: &str) -> Result<String, OptionError> {
        parse_options(&with("apiBase", RawValue::String(value.into()))).map(|o| o.api_base)
    }

    #[test]
    fn plain_http_is_accepted_for_loopback_hosts_only() {
        let accepted = [
            ("http://localhost:8787/v1", "http://localhost:8787/v1"),
            ("http://LocalHost/v1/", "http://LocalHost/v1"),
            ("HTTP://127.0.0.1:8787/v1", "http://127.0.0.1:8787/v1"),
            ("http://127.255.3.4", "http://127.255.3.4"),
            ("http://127.0.0.1:65535/v1", "http://127.0.0.1:65535/v1"),
            ("http://[::1]:8787/v1", "http://[::1]:8787/v1"),
            ("https://api.example.com/v1", "https://api.example.com/v1"),
            ("HTTPS://API.Example.com:8443/v1", "https://API.Example.com:8443/v1"),
            ("https://[2001:db8::1]/v1", "https://[2001:db8::1]/v1"),
        ];
        for (value, normalised) in accepted {
            assert_eq!(api_base(value).as_deref(), Ok(normalised), "{value}");
        }
    }

    #[test]
    fn plain_http_to_any_other_host_is_refused_pointing_to_https() {
        let refused = [
            "http://api.example.com/v1",
            "HTTP://API.EXAMPLE.COM/v1",
            "http://127.0.0.1.evil.com/v1",
            "http://127.0.0.1.evil.com:8787/v1",
            "http://localhost.evil.com/v1",
            "http://evil-localhost/v1",
            "http://evil.com:127/v1",
            "http://10.0.0.1:8787/v1",
            "http://128.0.0.1/v1",
            "http://127.0.0.256/v1",
            "http://127.0.0/v1",
            "http://127.1/v1",
            "http://127.0.0.01/v1",
            "http://0x7f.0.0.1/v1",
            "http://2130706433/v1",
            "http://127%2e0.0.1/v1",
            "http://localhost./v1",
            "http://[::2]/v1",
            "http://[::ffff:127.0.0.1]/v1",
        ];
        for value in refused {
            let err = api_base(value).unwrap_err();
            assert_eq!(err.option, "apiBase", "{value}");
            assert_eq!(err.code(), "invalid_option");
            assert!(err.message.contains("https") && err.message.contains("in clear"), "{value}: {}", err.message);
        }
    }

    #[test]
    fn credentials_backslashes_and_bad_ports_are_refused() {
        let cases = [
            ("http://user@127.0.0.1/v1", "credentials"),
            ("http://user:pass@localhost/v1", "credentials"),
            ("http://127.0.0.1@evil.com/v1", "credentials"),
            ("https://user@api.example.com/v1", "credentials"),
            ("http://evil.com\\@127.0.0.1/v1", "backslash"),
            ("http://127.0.0.1\\.evil.com/v1", "backslash"),
            ("http://127.0.0.1:99999/v1", "not a valid host"),
            ("http://localhost:abc/v1", "not a valid host"),
            ("http://localhost:/v1", "not a valid host"),
            ("http://[::1/v1", "not a valid host"),
            ("http://[::1]x/v1", "not a valid host"),
            ("http:///v1", "no host"),
        ];
        for (value, why) in cases {
            let err = api_base(value).unwrap_err();
            assert_eq!(err.option, "apiBase", "{value}");
            assert!(err.message.contains(why), "{value}: {}", err.message);
        }
    }

    #[test]
    fn loopback_hosts() {
        for host in ["localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "127.255.255.255", "[::1]"] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in ["", "127.0.0.1.evil.com", "localhost.evil.com", "126.0.0.1", "127.0.0.1.", "::1", "[::1", "1.127.0.0"] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn stall_timeout_defaults_and_bounds() {
        assert_eq!(parse_options(&base()).unwrap().stall_timeout_ms, DEFAULT_STALL_TIMEOUT_MS);
        let options = parse_options(&with("stallTimeoutMs", RawValue::Number(1000.0))).unwrap();
        assert_eq!(options.stall_timeout_ms, 1000);
        let err = parse_options(&with("stallTimeoutMs", RawValue::Number(500.0))).unwrap_err();
        assert_eq!(err.option, "stallTimeoutMs");
        assert!(err.message.contains("at least 1000 ms"), "{}", err.message);
    }

    #[test]
    fn links_lead_only_to_pages() {
        for (value, kept) in [("https://bank.example/kyb", "https://bank.example/kyb"), (" /kyb ", "/kyb"), ("HTTP://x.example", "HTTP://x.example"), ("mailto:ops@bank.example", "mailto:ops@bank.example")] {
            let options = parse_options(&with("kybUrl", RawValue::String(value.into()))).unwrap();
            assert_eq!(options.kyb_url.as_deref(), Some(kept), "{value}");
        }
        for value in ["javascript:alert(1)", "//evil.example/x", "kyb", "https://", "https://a b", "data:text/html,x", "mailto:"] {
            let err = parse_options(&with("supportUrl", RawValue::String(value.into()))).unwrap_err();
            assert_eq!(err.option, "supportUrl", "{value}");
            assert!(err.message.contains("https://"), "{value}: {}", err.message);
        }
        let err = parse_options(&with("kybUrl", RawValue::Bool(true))).unwrap_err();
        assert!(err.message.contains("a URL string"), "{}", err.message);
        let options = parse_options(&base()).unwrap();
        assert_eq!((options.kyb_url, options.support_url), (None, None));
        assert!(parse_options(&with("onContinue", RawValue::Function)).is_ok());
        assert_eq!(parse_options(&with("onContinue", RawValue::Bool(true))).unwrap_err().option, "onContinue");
    }

    #[test]
    fn any_locale_tag_is_taken_and_messages_override_by_locale() {
        let options = parse_options(&with("locale", RawValue::String("es-MX".into()))).unwrap();
        assert_eq!(options.locale.as_deref(), Some("es-MX"));
        assert_eq!(parse_options(&with("locale", RawValue::String("tlh".into()))).unwrap().locale.as_deref(), Some("tlh"));
        assert_eq!(parse_options(&with("locale", RawValue::Number(1.0))).unwrap_err().option, "locale");

        let text = |s: &str| RawValue::String(s.into());
        let messages = RawValue::Object(vec![
            ("submit.button".into(), text("Send")),
            ("es-MX".into(), RawValue::Object(vec![("submit.button".into(), text("Enviar"))])),
            ("fr".into(), RawValue::Object(vec![("submit.busy".into(), text("Envoi"))])),
        ]);
        let options = parse_options(&with("messages", messages)).unwrap();
        let pairs = |v: Vec<(String, String)>| v.into_iter().map(|(id, t)| format!("{id}={t}")).collect::<Vec<_>>();
        assert_eq!(pairs(options.overrides_for("es")), ["submit.button=Send", "submit.button=Enviar"], "es-MX texts serve es, and win");
        assert_eq!(pairs(options.overrides_for("en")), ["submit.button=Send"]);
        assert_eq!(pairs(options.overrides_for("fr")), ["submit.button=Send", "submit.busy=Envoi"]);

        let wrong = RawValue::Object(vec![("es".into(), RawValue::Object(vec![("submit.button".into(), RawValue::Number(1.0))]))]);
        let err = parse_options(&with("messages", wrong)).unwrap_err();
        assert_eq!(err.option, "messages.es.submit.button");
        assert_eq!(err.message, "`messages.es.submit.button` must be a string, not a number.");
        assert_eq!(parse_options(&with("messages", text("x"))).unwrap_err().option, "messages");
    }
}
