//! Command-line configuration (`clap`), shared by the binary, the tests and the benchmark.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

/// Origins allowed by CORS when no `--allow-origin` is given: the demo page and `trunk serve`.
pub const DEFAULT_ORIGINS: [&str; 4] = [
    "http://127.0.0.1:8790",
    "http://localhost:8790",
    "http://127.0.0.1:8080",
    "http://localhost:8080",
];

/// Every flag of `kyc-sandbox`. All have defaults, so no argument is needed.
#[derive(Debug, Clone, Parser)]
#[command(name = "kyc-sandbox", version, about = "Local stand-in for the KYC platform API")]
pub struct Config {
    /// Address of the platform API (`/oauth/token`, `/v1/...`, `/_sandbox/...`).
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub api_addr: SocketAddr,
    /// Address of the storage origin that accepts presigned `PUT /upload/...`.
    #[arg(long, default_value = "127.0.0.1:8788")]
    pub storage_addr: SocketAddr,
    /// Address of the demo host backend and page (`/demo/...`, static files).
    #[arg(long, default_value = "127.0.0.1:8790")]
    pub demo_addr: SocketAddr,
    /// Directory holding the SQLite database and the uploaded blobs; reuse it to keep state.
    #[arg(long, default_value = ".data/sandbox")]
    pub data_dir: PathBuf,
    /// Lifetime of OAuth access tokens, in seconds.
    #[arg(long, default_value_t = 300)]
    pub token_ttl: u64,
    /// Lifetime of presigned upload URLs, in seconds.
    #[arg(long, default_value_t = 900)]
    pub presign_ttl: u64,
    /// Origin allowed by CORS on the API, storage and demo listeners (repeatable).
    #[arg(long = "allow-origin")]
    pub allow_origin: Vec<String>,
    /// Seconds between the request carrying `id_file` and the review outcome (fractions allowed).
    #[arg(long, default_value_t = 5.0)]
    pub review_delay: f64,
    /// Where review webhooks are POSTed; `none` disables delivery.
    #[arg(long, default_value = "http://127.0.0.1:8790/demo/webhook")]
    pub webhook_url: String,
    /// Secret used to sign webhooks (`Platform-Signature`).
    #[arg(long, default_value = "whsec_demo")]
    pub webhook_secret: String,
    /// Delay before the first webhook retry in milliseconds; doubles on each retry.
    #[arg(long, default_value_t = 1000)]
    pub webhook_retry_ms: u64,
    /// Maximum webhook delivery attempts.
    #[arg(long, default_value_t = 5)]
    pub webhook_attempts: u32,
    /// Seed of the fault-injection random generator.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Enable the `/_sandbox/*` test-support endpoints (loopback only).
    #[arg(long)]
    pub admin: bool,
    /// Maximum size of one uploaded file, in bytes.
    #[arg(long, default_value_t = 20 * 1024 * 1024)]
    pub max_file_size: u64,
    /// Directory of static files served by the demo listener (index.html at `/`).
    #[arg(long)]
    pub demo_dir: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config::parse_from(["kyc-sandbox"])
    }
}

impl Config {
    /// The CORS origins in force: the `--allow-origin` values, or [`DEFAULT_ORIGINS`].
    pub fn origins(&self) -> Vec<String> {
        if self.allow_origin.is_empty() {
            DEFAULT_ORIGINS.iter().map(|s| s.to_string()).collect()
        } else {
            self.allow_origin.clone()
        }
    }

    /// The webhook target, or `None` when delivery is disabled.
    pub fn webhook_target(&self) -> Option<&str> {
        match self.webhook_url.as_str() {
            "" | "none" => None,
            url => Some(url),
        }
    }
}
