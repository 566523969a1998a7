//! `kyc-sandbox`: a local stand-in for the KYC platform API.
//!
//! Three listeners: the platform API ([`app`]: OAuth, File API, customers, `/_sandbox` test
//! support), the storage origin ([`storage_app`]: presigned `PUT /upload/...`) and the demo host
//! backend ([`demo_app`]: token exchange, webhook receiver, status). State lives in SQLite and
//! blob files under `--data-dir`, so it survives restarts. See `docs/sandbox.md`.

pub mod admin;
pub mod clock;
pub mod config;
pub mod cors;
pub mod customers;
pub mod db;
pub mod demo_host;
pub mod error;
pub mod events;
pub mod faults;
pub mod files;
pub mod oauth;
pub mod review;
pub mod server;
pub mod sign;
pub mod state;
pub mod storage;

use std::net::SocketAddr;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};
use axum::Router;
use tokio::net::TcpListener;

pub use config::Config;
pub use demo_host::{demo_app, DemoConfig, DemoState};
pub use state::AppState;

/// Largest JSON body accepted by the API.
pub const JSON_LIMIT: usize = 64 * 1024;

/// The platform API router (`/oauth/token`, `/v1/...`, and `/_sandbox/...` with `--admin`).
pub fn app(state: AppState) -> Router {
    let mut router = Router::new()
        .route("/oauth/token", post(oauth::token))
        .route("/v1/files", post(files::create))
        .route("/v1/customers/{id}", get(customers::get))
        .route("/v1/customers/{id}/files", post(customers::post_files));
    if state.config().admin {
        router = router.merge(admin::router(state.clone()));
    }
    let router = router
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(DefaultBodyLimit::max(JSON_LIMIT));
    cors::apply(router, &state.config().origins(), cors::API).with_state(state)
}

/// The storage origin router (`PUT /upload/{file_id}`).
pub fn storage_app(state: AppState) -> Router {
    let router = Router::new()
        .route("/upload/{file_id}", put(storage::put))
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed);
    cors::apply(router, &state.config().origins(), cors::STORAGE).with_state(state)
}

/// A sandbox serving on its three listeners.
pub struct Running {
    /// Bound API address.
    pub api: SocketAddr,
    /// Bound storage address.
    pub storage: SocketAddr,
    /// Bound demo address.
    pub demo: SocketAddr,
    /// The sandbox state (for tests).
    pub state: AppState,
}

/// `http://host:port` for a bound address, with an unspecified IP shown as loopback.
pub fn origin_of(addr: SocketAddr) -> String {
    let ip = if addr.ip().is_unspecified() { "127.0.0.1".parse().expect("ip") } else { addr.ip() };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

/// Serve the sandbox on already bound listeners (spawned tasks); returns at once.
pub fn spawn_on(config: Config, api: TcpListener, storage: TcpListener, demo: TcpListener) -> std::io::Result<Running> {
    let (api_addr, storage_addr, demo_addr) = (api.local_addr()?, storage.local_addr()?, demo.local_addr()?);
    if config.admin && !api_addr.ip().is_loopback() {
        return Err(std::io::Error::other("--admin is only allowed when --api-addr is a loopback address"));
    }
    let state = AppState::open(config.clone(), origin_of(storage_addr))?;
    let demo_state = DemoState::new(DemoConfig {
        api_root: origin_of(api_addr),
        client_id: db::DEMO_CLIENTS[0].0.into(),
        client_secret: db::DEMO_CLIENTS[0].1.into(),
        webhook_secret: config.webhook_secret.clone(),
        demo_dir: config.demo_dir.clone(),
        origins: config.origins(),
    });
    let hook = demo_state.clone();
    state.on_reset(move || hook.clear());
    tokio::spawn(review::scheduler(state.clone()));
    tokio::spawn(server::serve(api, app(state.clone())));
    tokio::spawn(server::serve(storage, storage_app(state.clone())));
    tokio::spawn(server::serve(demo, demo_app(demo_state)));
    Ok(Running { api: api_addr, storage: storage_addr, demo: demo_addr, state })
}

/// Bind the three listeners of `config`, print where they are, and serve until stopped.
pub async fn run(config: Config) -> std::io::Result<()> {
    let api = TcpListener::bind(config.api_addr).await?;
    let storage = TcpListener::bind(config.storage_addr).await?;
    let demo = TcpListener::bind(config.demo_addr).await?;
    let running = spawn_on(config.clone(), api, storage, demo)?;
    println!("kyc-sandbox listening");
    println!("  API      {}  (apiBase {}/v1)", origin_of(running.api), origin_of(running.api));
    println!("  storage  {}", origin_of(running.storage));
    println!("  demo     {}", origin_of(running.demo));
    println!("  data dir {}", config.data_dir.display());
    println!("  admin    {}", if config.admin { "enabled (/_sandbox/*)" } else { "disabled" });
    let ids: Vec<&str> = db::DEMO_CUSTOMERS.iter().map(|c| c.0).collect();
    println!("  demo customers: {}", ids.join(", "));
    println!("  demo clients: demo_client/demo_secret (customer:write file:write), demo_files_only/demo_secret (file:write)");
    tokio::signal::ctrl_c().await?;
    Ok(())
}
