//! The host's options, checked once at mount: every unknown, mistyped or
//! out-of-range option is refused with an error that names it.

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
            RawValue::Other(kind) => kind,
        }
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
    /// UI language (only `en` ships today).
    pub locale: String,
    /// Photo quality policy.
    pub quality_gate: QualityGate,
    /// Whether to poll `GET /customers/{id}` for the result.
    pub poll_status: bool,
    /// Poll interval in milliseconds.
    pub poll_interval_ms: u64,
}

/// Default `maxFileSize`: 10 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;
/// Largest `maxFileSize` the widget accepts: 100 MiB.
pub const MAX_MAX_FILE_SIZE: u64 = 100 * 1024 * 1024;
/// Default and smallest poll interval: polling is modest by design.
pub const DEFAULT_POLL_INTERVAL_MS: u64 = 30_000;
/// The shortest poll interval accepted.
pub const MIN_POLL_INTERVAL_MS: u64 = 5_000;

/// Options that take functions; the browser layer keeps the functions.
pub const CALLBACK_OPTIONS: [&str; 5] = ["getToken", "onProgress", "onSubmitted", "onError", "onStatusChange"];

/// Options that take plain values.
pub const VALUE_OPTIONS: [&str; 10] = [
    "apiBase",
    "customerId",
    "customerType",
    "requireProofOfAddress",
    "requireLiveness",
    "maxFileSize",
    "locale",
    "qualityGate",
    "pollStatus",
    "pollIntervalMs",
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
                return Err(OptionError::new(name, format!("`{name}` must be a function, not a {}.", value.type_name())));
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
        None => "en".to_owned(),
        Some(RawValue::String(s)) if s == "en" || s.starts_with("en-") => "en".to_owned(),
        Some(RawValue::String(s)) => {
            return Err(OptionError::new("locale", format!("`locale` \"{s}\" is not available; supported: \"en\".")))
        }
        Some(other) => return Err(wrong_type("locale", "a string", other)),
    };
    let quality_gate = match get("qualityGate") {
        None => QualityGate::Block,
        Some(RawValue::String(s)) => match s.as_str() {
            "block" => QualityGate::Block,
            "warn" => QualityGate::Warn,
            "off" => QualityGate::Off,
            _ => {
                return Err(OptionError::new(
                    "qualityGate",
                    format!("`qualityGate` must be \"block\", \"warn\" or \"off\", not \"{s}\"."),
                ))
            }
        },
        Some(other) => return Err(wrong_type("qualityGate", "a string", other)),
    };
    let poll_status = optional_bool(get("pollStatus"), "pollStatus")?;
    let poll_interval_ms = match get("pollIntervalMs") {
        None => DEFAULT_POLL_INTERVAL_MS,
        Some(RawValue::Number(n)) if n.is_finite() && *n >= MIN_POLL_INTERVAL_MS as f64 => *n as u64,
        Some(RawValue::Number(n)) => {
            return Err(OptionError::new(
                "pollIntervalMs",
                format!("`pollIntervalMs` must be at least {MIN_POLL_INTERVAL_MS} ms, not {}.", number_text(*n)),
            ))
        }
        Some(other) => return Err(wrong_type("pollIntervalMs", "a number of milliseconds", other)),
    };
    Ok(Options {
        api_base,
        customer_id,
        customer_type,
        requirements,
        max_file_size,
        locale,
        quality_gate,
        poll_status,
        poll_interval_ms,
    })
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
    OptionError::new(option, format!("`{option}` must be {expected}, not a {}.", got.type_name()))
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
/// fragment, and no credentials; a trailing slash is dropped.
fn parse_api_base(value: &str) -> Result<String, OptionError> {
    let bad = |why: &str| {
        OptionError::new("apiBase", format!("`apiBase` must be an absolute http(s) URL such as \"https://api.example.com/v1\": {why}."))
    };
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or_else(|| bad(&format!("\"{value}\" has no http:// or https:// scheme")))?;
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() {
        return Err(bad("it has no host"));
    }
    if host.contains('@') {
        return Err(bad("it must not carry credentials"));
    }
    if value.contains(['?', '#']) || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("it must not contain a query, a fragment or spaces"));
    }
    Ok(value.trim_end_matches('/').to_owned())
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
    VALUE_OPTIONS
        .iter()
        .chain(CALLBACK_OPTIONS.iter())
        .map(|o| (edit_distance(&lower, &o.to_ascii_lowercase()), *o))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, o)| o)
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
}
