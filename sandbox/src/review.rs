//! Review simulation (pending → verified | rejected after `--review-delay`) and signed webhooks
//! delivered with exponential backoff.

use std::time::Duration;

use rusqlite::{params, OptionalExtension};
use serde_json::json;

use crate::db::random_id;
use crate::state::AppState;
use crate::{clock, events, sign};

/// Reason used when a rejecting customer has none configured.
pub const DEFAULT_REJECTION: &str = "The document could not be verified";

/// Finish the review of `id` if it is pending and due; returns whether it finished now.
/// The conditional update makes sure only one caller finishes it (and sends one webhook).
pub fn complete_if_due(state: &AppState, id: &str) -> bool {
    let now = clock::now_ms();
    let done = state.db().with(|c| -> rusqlite::Result<Option<(String, Option<String>)>> {
        let changed = c.execute(
            "UPDATE customers SET
               status = CASE outcome WHEN 'reject' THEN 'rejected' ELSE 'verified' END,
               rejection_reason = CASE outcome WHEN 'reject' THEN COALESCE(configured_reason, ?3) ELSE NULL END,
               review_due_ms = NULL
             WHERE id = ?1 AND status = 'pending' AND review_due_ms <= ?2",
            params![id, now, DEFAULT_REJECTION],
        )?;
        if changed == 0 {
            return Ok(None);
        }
        c.query_row("SELECT status, rejection_reason FROM customers WHERE id = ?1", params![id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()
    });
    match done {
        Ok(Some((status, reason))) => {
            let kind = if status == "rejected" { "customer.rejected" } else { "customer.verified" };
            tokio::spawn(deliver(state.clone(), id.to_string(), kind, reason));
            true
        }
        Ok(None) => false,
        Err(e) => {
            tracing::error!("review of {id} failed: {e}");
            false
        }
    }
}

/// Make a pending review due now and finish it.
pub fn force(state: &AppState, id: &str) -> bool {
    let res = state.db().with(|c| {
        c.execute(
            "UPDATE customers SET review_due_ms = ?2 WHERE id = ?1 AND status = 'pending'",
            params![id, clock::now_ms()],
        )
    });
    matches!(res, Ok(1)) && complete_if_due(state, id)
}

/// Background task: finish due reviews, sleeping until the next one or a wake-up.
pub async fn scheduler(state: AppState) {
    loop {
        let now = clock::now_ms();
        let due: Vec<String> = state
            .db()
            .with(|c| -> rusqlite::Result<Vec<String>> {
                let mut stmt =
                    c.prepare("SELECT id FROM customers WHERE status = 'pending' AND review_due_ms <= ?1")?;
                let rows = stmt.query_map(params![now], |r| r.get(0))?;
                rows.collect()
            })
            .unwrap_or_default();
        for id in due {
            complete_if_due(&state, &id);
        }
        let next: Option<i64> = state
            .db()
            .with(|c| {
                c.query_row("SELECT MIN(review_due_ms) FROM customers WHERE status = 'pending'", [], |r| r.get(0))
            })
            .unwrap_or(None);
        let wait = next.map_or(60_000, |t| (t - clock::now_ms()).clamp(0, 60_000)) as u64;
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(wait)) => {}
            _ = state.review_wake().notified() => {}
        }
    }
}

/// POST the signed webhook, retrying with exponential backoff; every attempt is logged.
pub async fn deliver(state: AppState, customer_id: String, kind: &'static str, reason: Option<String>) {
    let Some(url) = state.config().webhook_target().map(str::to_string) else { return };
    let generation = state.generation();
    let body = json!({
        "id": random_id("evt_", 26), "type": kind, "created_at": clock::rfc3339_s(clock::now_ms()),
        "data": {"customer_id": customer_id, "rejection_reason": reason},
    })
    .to_string();
    let attempts = state.config().webhook_attempts.max(1);
    let mut backoff = state.config().webhook_retry_ms;
    for attempt in 1..=attempts {
        if state.generation() != generation {
            return;
        }
        let header = sign::webhook_header(&state.config().webhook_secret, clock::now_s(), body.as_bytes());
        let res = state
            .http()
            .post(&url)
            .header("content-type", "application/json")
            .header("platform-signature", header)
            .body(body.clone())
            .send()
            .await;
        let status = res.as_ref().ok().map(|r| r.status().as_u16());
        if state.generation() == generation {
            let fields = json!({"type": kind, "attempt": attempt, "status": status});
            events::log(state.db(), "webhook", Some(&customer_id), None, fields);
        }
        if status.is_some_and(|s| (200..300).contains(&s)) {
            return;
        }
        if attempt < attempts {
            tokio::time::sleep(Duration::from_millis(backoff)).await;
            backoff = backoff.saturating_mul(2);
        }
    }
    tracing::warn!("webhook {kind} for {customer_id} failed after {attempts} attempts");
}
