//! `kyc-sandbox` binary: parse the flags and run the sandbox.

use clap::Parser;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "kyc_sandbox=info".into()),
        )
        .init();
    kyc_sandbox::run(kyc_sandbox::Config::parse()).await
}
