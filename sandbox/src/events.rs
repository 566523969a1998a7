//! The ordered event log read by tests through `GET /_sandbox/events`.

use rusqlite::{params, Connection};
use serde_json::{Map, Value};

use crate::clock;
use crate::db::Db;

/// Append an event of `kind` with `fields`; `customer_id` and `file_id` index it for filtering.
pub fn log(db: &Db, kind: &str, customer_id: Option<&str>, file_id: Option<&str>, fields: Value) {
    db.with(|c| {
        if let Err(e) = log_in(c, kind, customer_id, file_id, fields) {
            tracing::error!("could not log event: {e}");
        }
    })
}

/// Same as [`log`], inside an open connection or transaction.
pub fn log_in(
    conn: &Connection,
    kind: &str,
    customer_id: Option<&str>,
    file_id: Option<&str>,
    fields: Value,
) -> rusqlite::Result<()> {
    let mut body = Map::new();
    body.insert("at".into(), Value::String(clock::rfc3339_ms(clock::now_ms())));
    body.insert("kind".into(), Value::String(kind.into()));
    body.insert("customer_id".into(), customer_id.map_or(Value::Null, |s| Value::String(s.into())));
    if let Value::Object(extra) = fields {
        body.extend(extra);
    }
    conn.execute(
        "INSERT INTO events (customer_id, file_id, body) VALUES (?1, ?2, ?3)",
        params![customer_id, file_id, Value::Object(body).to_string()],
    )?;
    Ok(())
}

/// Events after `since`, ascending by `seq`. With a customer: its own events plus the presign
/// and PUT events of every file id its files requests referenced.
pub fn list(db: &Db, customer_id: Option<&str>, since: i64) -> rusqlite::Result<Vec<Value>> {
    db.with(|c| {
        let mut rows = Vec::new();
        let mut push = |seq: i64, body: String| {
            let mut v: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
            if let Value::Object(m) = &mut v {
                m.insert("seq".into(), Value::from(seq));
            }
            rows.push(v);
        };
        match customer_id {
            Some(cid) => {
                let mut stmt = c.prepare(
                    "SELECT seq, body FROM events WHERE seq > ?1 AND (customer_id = ?2 OR
                     (customer_id IS NULL AND file_id IN (SELECT file_id FROM file_refs WHERE customer_id = ?2)))
                     ORDER BY seq",
                )?;
                let it = stmt.query_map(params![since, cid], |r| Ok((r.get(0)?, r.get(1)?)))?;
                for row in it {
                    let (s, b) = row?;
                    push(s, b);
                }
            }
            None => {
                let mut stmt = c.prepare("SELECT seq, body FROM events WHERE seq > ?1 ORDER BY seq")?;
                let it = stmt.query_map(params![since], |r| Ok((r.get(0)?, r.get(1)?)))?;
                for row in it {
                    let (s, b) = row?;
                    push(s, b);
                }
            }
        }
        Ok(rows)
    })
}
