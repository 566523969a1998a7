//! SQLite store (WAL mode, busy timeout): schema, seed data and the connection handle.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rand::RngCore;
use rusqlite::{params, Connection, OptionalExtension};

/// Seeded OAuth clients: `(client_id, secret, scope)`.
pub const DEMO_CLIENTS: [(&str, &str, &str); 2] = [
    ("demo_client", "demo_secret", "customer:write file:write"),
    ("demo_files_only", "demo_secret", "file:write"),
];

/// Seeded demo customers: `(id, type, outcome, rejection_reason)`.
pub const DEMO_CUSTOMERS: [(&str, &str, &str, Option<&str>); 3] = [
    ("cus_individual_demo", "individual", "verify", None),
    ("cus_business_demo", "business", "verify", None),
    (
        "cus_reject_demo",
        "individual",
        "reject",
        Some("The document image is blurred and the text cannot be read"),
    ),
];

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS clients (client_id TEXT PRIMARY KEY, secret TEXT NOT NULL, scope TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    token_hash TEXT PRIMARY KEY, client_id TEXT NOT NULL, scope TEXT NOT NULL,
    expires_ms INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS customers (
    id TEXT PRIMARY KEY, type TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'not_started',
    outcome TEXT NOT NULL DEFAULT 'verify', configured_reason TEXT,
    rejection_reason TEXT, submitted_ms INTEGER, review_due_ms INTEGER,
    demo INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS files (
    id TEXT PRIMARY KEY, purpose TEXT NOT NULL, content_type TEXT NOT NULL, size INTEGER NOT NULL,
    document_type TEXT, filename TEXT, expires INTEGER NOT NULL, created_ms INTEGER NOT NULL,
    uploaded_ms INTEGER, etag TEXT, accepted_by TEXT);
CREATE TABLE IF NOT EXISTS customer_files (
    id INTEGER PRIMARY KEY AUTOINCREMENT, customer_id TEXT NOT NULL, slot TEXT NOT NULL,
    file_id TEXT NOT NULL, accepted_ms INTEGER NOT NULL, current INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS idempotency (
    customer_id TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (customer_id, key));
CREATE TABLE IF NOT EXISTS file_refs (customer_id TEXT NOT NULL, file_id TEXT NOT NULL,
    PRIMARY KEY (customer_id, file_id));
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, customer_id TEXT, file_id TEXT, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_customer ON events (customer_id);
CREATE INDEX IF NOT EXISTS events_file ON events (file_id);
";

/// Shared handle to the one SQLite connection; every access is a short critical section.
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl Db {
    /// Open (or create) the database at `path`, apply the schema and seed what is missing.
    pub fn open(path: &Path) -> rusqlite::Result<Db> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.execute_batch(SCHEMA)?;
        for (id, secret, scope) in DEMO_CLIENTS {
            conn.execute(
                "INSERT OR IGNORE INTO clients (client_id, secret, scope) VALUES (?1, ?2, ?3)",
                params![id, secret, scope],
            )?;
        }
        seed_customers(&conn, false)?;
        Ok(Db { conn: Arc::new(Mutex::new(conn)) })
    }

    /// Run `f` with exclusive access to the connection.
    pub fn with<T>(&self, f: impl FnOnce(&mut Connection) -> T) -> T {
        let mut guard = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    }

    /// The secret key for presigned URLs, created once and kept across restarts.
    pub fn signing_key(&self) -> rusqlite::Result<Vec<u8>> {
        self.with(|c| {
            let existing: Option<String> = c
                .query_row("SELECT value FROM meta WHERE key = 'signing_key'", [], |r| r.get(0))
                .optional()?;
            if let Some(hex_key) = existing {
                return Ok(hex::decode(hex_key).unwrap_or_default());
            }
            let mut key = vec![0u8; 32];
            rand::thread_rng().fill_bytes(&mut key);
            c.execute(
                "INSERT INTO meta (key, value) VALUES ('signing_key', ?1)",
                params![hex::encode(&key)],
            )?;
            Ok(key)
        })
    }

    /// Clear files, records, idempotency keys and events; put demo customers back to `not_started`.
    pub fn reset(&self) -> rusqlite::Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute_batch(
                "DELETE FROM files; DELETE FROM customer_files; DELETE FROM idempotency;
                 DELETE FROM file_refs; DELETE FROM events; DELETE FROM customers;
                 DELETE FROM sqlite_sequence WHERE name IN ('events', 'customer_files');",
            )?;
            seed_customers(&tx, true)?;
            tx.commit()
        })
    }
}

fn seed_customers(conn: &Connection, replace: bool) -> rusqlite::Result<()> {
    let verb = if replace { "INSERT OR REPLACE" } else { "INSERT OR IGNORE" };
    for (id, kind, outcome, reason) in DEMO_CUSTOMERS {
        conn.execute(
            &format!(
                "{verb} INTO customers (id, type, status, outcome, configured_reason, demo)
                 VALUES (?1, ?2, 'not_started', ?3, ?4, 1)"
            ),
            params![id, kind, outcome, reason],
        )?;
    }
    Ok(())
}

/// Random id: `prefix` followed by `len` Crockford base32 characters.
pub fn random_id(prefix: &str, len: usize) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut rng = rand::thread_rng();
    let mut out = String::with_capacity(prefix.len() + len);
    out.push_str(prefix);
    for _ in 0..len {
        out.push(ALPHABET[(rng.next_u32() % 32) as usize] as char);
    }
    out
}

/// Whether `id` is an acceptable customer id: `[A-Za-z0-9_-]{1,64}`.
pub fn valid_customer_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Whether `id` looks like a file id issued by this sandbox: `file_` + 26 base32 characters.
pub fn valid_file_id(id: &str) -> bool {
    id.strip_prefix("file_")
        .is_some_and(|rest| rest.len() == 26 && rest.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(valid_file_id(&random_id("file_", 26)));
        assert!(!valid_file_id("file_../../etc/passwd"));
        assert!(valid_customer_id("cus_individual_demo"));
        assert!(!valid_customer_id("../x"));
        assert!(!valid_customer_id(""));
        assert!(!valid_customer_id(&"a".repeat(65)));
    }
}
