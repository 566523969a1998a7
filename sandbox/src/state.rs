//! Shared application state handed to every router.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

use crate::config::Config;
use crate::db::Db;
use crate::faults::Faults;

/// Cheap-to-clone handle on the sandbox state (database, blobs, faults, review wake-up).
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

type ResetHook = Box<dyn Fn() + Send + Sync>;

struct Inner {
    config: Config,
    db: Db,
    signing_key: Vec<u8>,
    blob_dir: PathBuf,
    storage_base: String,
    faults: Faults,
    review_wake: Notify,
    http: reqwest::Client,
    generation: AtomicU64,
    reset_hooks: Mutex<Vec<ResetHook>>,
}

impl AppState {
    /// Open the data directory of `config` and build the state. `storage_base` is the origin
    /// put in presigned URLs, e.g. `http://127.0.0.1:8788`.
    pub fn open(config: Config, storage_base: impl Into<String>) -> std::io::Result<AppState> {
        let blob_dir = config.data_dir.join("blobs");
        std::fs::create_dir_all(blob_dir.join("tmp"))?;
        // Interrupted uploads from an earlier run never count: drop their partial files.
        for entry in std::fs::read_dir(blob_dir.join("tmp"))?.flatten() {
            let _ = std::fs::remove_file(entry.path());
        }
        let db = Db::open(&config.data_dir.join("sandbox.db")).map_err(std::io::Error::other)?;
        let signing_key = db.signing_key().map_err(std::io::Error::other)?;
        let faults = Faults::new(config.seed);
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(std::io::Error::other)?;
        Ok(AppState {
            inner: Arc::new(Inner {
                config,
                db,
                signing_key,
                blob_dir,
                storage_base: storage_base.into().trim_end_matches('/').to_string(),
                faults,
                review_wake: Notify::new(),
                http,
                generation: AtomicU64::new(0),
                reset_hooks: Mutex::new(Vec::new()),
            }),
        })
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    /// Key signing presigned URLs.
    pub fn signing_key(&self) -> &[u8] {
        &self.inner.signing_key
    }

    /// Directory of completed blobs (`tmp/` below it holds uploads in progress).
    pub fn blob_dir(&self) -> &PathBuf {
        &self.inner.blob_dir
    }

    /// Origin of the storage listener as put in presigned URLs.
    pub fn storage_base(&self) -> &str {
        &self.inner.storage_base
    }

    /// Fault-injection rules and their random generator.
    pub fn faults(&self) -> &Faults {
        &self.inner.faults
    }

    /// Wakes the review scheduler when a review is scheduled.
    pub fn review_wake(&self) -> &Notify {
        &self.inner.review_wake
    }

    /// HTTP client for webhook deliveries.
    pub fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// Bumped by every reset; in-flight webhook retries of an older generation stop.
    pub fn generation(&self) -> u64 {
        self.inner.generation.load(Ordering::SeqCst)
    }

    /// Register something to clear on `POST /_sandbox/reset` (e.g. the demo host's results).
    pub fn on_reset(&self, hook: impl Fn() + Send + Sync + 'static) {
        self.inner.reset_hooks.lock().unwrap_or_else(|e| e.into_inner()).push(Box::new(hook));
    }

    /// Reset everything but OAuth clients and tokens.
    pub fn reset(&self) -> std::io::Result<()> {
        self.inner.generation.fetch_add(1, Ordering::SeqCst);
        self.faults().clear();
        self.db().reset().map_err(std::io::Error::other)?;
        for entry in std::fs::read_dir(self.blob_dir())?.flatten() {
            if entry.path().is_file() {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        for hook in self.inner.reset_hooks.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            hook();
        }
        self.review_wake().notify_one();
        Ok(())
    }
}
