//! Customers: `GET /v1/customers/{id}` and `POST /v1/customers/{id}/files` (atomic, idempotent).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::db::{valid_customer_id, valid_file_id};
use crate::error::{parse_json, AppError, PathId};
use crate::faults::{self, Ctx, LostAnswer};
use crate::server::ConnKill;
use crate::state::AppState;
use crate::{clock, events, oauth, review, sign};

/// Body of the files request: slot → file id, every slot optional.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FilesRequest {
    id_file: Option<String>,
    id_file_back: Option<String>,
    proof_of_address_file: Option<String>,
    liveness_check_file: Option<String>,
}

impl FilesRequest {
    /// Present slots; non-id slots first so `id_file` is applied last.
    fn slots(&self) -> Vec<(&'static str, &str)> {
        [
            ("id_file_back", &self.id_file_back),
            ("proof_of_address_file", &self.proof_of_address_file),
            ("liveness_check_file", &self.liveness_check_file),
            ("id_file", &self.id_file),
        ]
        .into_iter()
        .filter_map(|(slot, v)| v.as_deref().map(|id| (slot, id)))
        .collect()
    }
}

fn customer_not_found(id: &str) -> AppError {
    AppError::new(StatusCode::NOT_FOUND, "customer_not_found", format!("no customer `{id}`"))
}

fn check_customer_id(id: &str) -> Result<(), AppError> {
    if valid_customer_id(id) {
        Ok(())
    } else {
        Err(AppError::invalid("customer ids are 1 to 64 characters of A-Z, a-z, 0-9, `_` and `-`"))
    }
}

/// The contract's view of a customer, or `None` when it does not exist.
pub fn customer_view(conn: &Connection, id: &str) -> rusqlite::Result<Option<Value>> {
    conn.query_row(
        "SELECT id, type, status, submitted_ms, rejection_reason FROM customers WHERE id = ?1",
        params![id],
        |r| {
            let submitted: Option<i64> = r.get(3)?;
            Ok(json!({
                "id": r.get::<_, String>(0)?, "type": r.get::<_, String>(1)?,
                "verification_status": r.get::<_, String>(2)?,
                "submitted_at": submitted.map(clock::rfc3339_s),
                "rejection_reason": r.get::<_, Option<String>>(4)?,
            }))
        },
    )
    .optional()
}

/// Current file records of a customer, slot → record.
pub fn current_files(conn: &Connection, id: &str) -> rusqlite::Result<Map<String, Value>> {
    let mut stmt = conn.prepare(
        "SELECT cf.slot, cf.file_id, cf.accepted_ms, f.content_type, f.size, f.document_type
         FROM customer_files cf JOIN files f ON f.id = cf.file_id
         WHERE cf.customer_id = ?1 AND cf.current = 1 ORDER BY cf.id",
    )?;
    let rows = stmt.query_map(params![id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            json!({
                "file_id": r.get::<_, String>(1)?, "submitted_at": clock::rfc3339_s(r.get(2)?),
                "content_type": r.get::<_, String>(3)?, "size": r.get::<_, i64>(4)?,
                "document_type": r.get::<_, Option<String>>(5)?,
            }),
        ))
    })?;
    rows.collect()
}

/// `GET /v1/customers/{id}` (scope `customer:write` or `customer:read`).
pub async fn get(
    State(state): State<AppState>,
    PathId(id): PathId,
    kill: Option<Extension<ConnKill>>,
    headers: HeaderMap,
) -> Response {
    let kill = kill.map(|k| k.0);
    let logged = valid_customer_id(&id).then_some(id.as_str());
    let res = async {
        let token = oauth::bearer(&headers);
        faults::inject(&state, "customer", Ctx { token, customer_id: logged, kill: kill.clone(), ..Ctx::default() })
            .await?;
        oauth::authorize(&state, &headers, &["customer:write", "customer:read"])?;
        check_customer_id(&id)?;
        review::complete_if_due(&state, &id);
        state.db().with(|c| customer_view(c, &id))?.ok_or_else(|| customer_not_found(&id))
    }
    .await;
    let lost = res.as_ref().ok().and_then(|_| faults::draw_lost_answer(&state, "customer", None));
    let status = res.as_ref().map_or_else(|e| e.status.as_u16(), |_| 200);
    let code = res.as_ref().err().map(|e| e.code);
    let fields = LostAnswer::mark(lost, json!({"status": status, "error_code": code}));
    events::log(state.db(), "customer_get", logged, None, fields);
    if let Some(lost) = lost {
        return faults::lose_answer(&state, "customer", lost, Ctx { customer_id: logged, kill, ..Ctx::default() }).await;
    }
    match res {
        Ok(v) => Json(v).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Outcome of a files request: status, body, whether it was replayed.
type Outcome = Result<(u16, Value, bool), AppError>;

/// `POST /v1/customers/{id}/files` (scope `customer:write`).
pub async fn post_files(
    State(state): State<AppState>,
    PathId(id): PathId,
    kill: Option<Extension<ConnKill>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let key = headers.get("idempotency-key").map(|v| v.to_str().unwrap_or("\u{fffd}").to_string());
    let kill = kill.map(|k| k.0);
    let logged = valid_customer_id(&id).then_some(id.as_str());
    let id_file = Some(body.as_deref().is_ok_and(faults::carries_id_file));
    let mut sent: Option<Value> = None;
    let res: Outcome = async {
        let token = oauth::bearer(&headers);
        let ctx = Ctx { token, customer_id: logged, kill: kill.clone(), id_file, ..Ctx::default() };
        faults::inject(&state, "files", ctx).await?;
        oauth::authorize(&state, &headers, &["customer:write"])?;
        check_customer_id(&id)?;
        if let Some(k) = &key {
            if k.is_empty() || k.len() > 255 || !k.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(AppError::invalid("Idempotency-Key must be 1 to 255 visible ASCII characters"));
            }
        }
        let body = body?;
        sent = serde_json::from_slice::<Value>(&body).ok().filter(Value::is_object);
        let req: FilesRequest = parse_json(&body)?;
        if req.slots().is_empty() {
            return Err(AppError::invalid("send at least one of id_file, id_file_back, proof_of_address_file, liveness_check_file"));
        }
        let outcome = state.db().with(|c| apply(c, &state, &id, key.as_deref(), &req))?;
        Ok(outcome)
    }
    .await;
    let (status, code, replay) = match &res {
        Ok((s, _, replay)) => (*s, None, *replay),
        Err(e) => (e.status.as_u16(), Some(e.code), false),
    };
    let lost = res.as_ref().ok().and_then(|_| faults::draw_lost_answer(&state, "files", id_file));
    state.db().with(|c| {
        if let (Some(cid), Some(Value::Object(fields))) = (logged, &sent) {
            for fid in fields.values().filter_map(Value::as_str).filter(|f| valid_file_id(f)) {
                let _ = c.execute("INSERT OR IGNORE INTO file_refs (customer_id, file_id) VALUES (?1, ?2)", params![cid, fid]);
            }
        }
        let fields = json!({"status": status, "fields": sent, "idempotency_key": key, "replay": replay, "error_code": code});
        if let Err(e) = events::log_in(c, "files", logged, None, LostAnswer::mark(lost, fields)) {
            tracing::error!("could not log event: {e}");
        }
    });
    if let Some(lost) = lost {
        return faults::lose_answer(&state, "files", lost, Ctx { customer_id: logged, kill, ..Ctx::default() }).await;
    }
    match res {
        Ok((s, v, _)) => (StatusCode::from_u16(s).unwrap_or(StatusCode::OK), Json(v)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Validate the whole request, then apply it in one transaction.
fn apply(conn: &mut Connection, state: &AppState, id: &str, key: Option<&str>, req: &FilesRequest) -> Outcome {
    let fingerprint = sign::sha256_hex(serde_json::to_string(req).unwrap_or_default().as_bytes());
    let tx = conn.transaction()?;
    if let Some(k) = key {
        let prior: Option<(String, i64, String)> = tx
            .query_row(
                "SELECT fingerprint, status, body FROM idempotency WHERE customer_id = ?1 AND key = ?2",
                params![id, k],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        if let Some((fp, status, body)) = prior {
            if fp != fingerprint {
                return Err(AppError::unprocessable(
                    "idempotency_key_reused",
                    "this Idempotency-Key was used with a different request body",
                ));
            }
            return Ok((status as u16, serde_json::from_str(&body).unwrap_or(Value::Null), true));
        }
    }
    let customer: Option<(String, String)> = tx
        .query_row("SELECT type, status FROM customers WHERE id = ?1", params![id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((kind, status)) = customer else { return Err(customer_not_found(id)) };
    if kind == "business" {
        return Err(AppError::unprocessable(
            "business_customer",
            "business customers are verified through the KYB flow; this endpoint does not apply to them",
        ));
    }
    for (slot, file_id) in req.slots() {
        if !valid_file_id(file_id) {
            return Err(AppError::invalid(format!("{slot}: `{file_id}` is not a file id")));
        }
        let file: Option<(String, Option<i64>, Option<String>)> = tx
            .query_row("SELECT purpose, uploaded_ms, accepted_by FROM files WHERE id = ?1", params![file_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        let Some((purpose, uploaded, accepted_by)) = file else {
            return Err(AppError::unprocessable("file_not_uploaded", format!("{slot}: unknown file `{file_id}`")));
        };
        if uploaded.is_none() {
            return Err(AppError::unprocessable(
                "file_not_uploaded",
                format!("{slot}: the upload of `{file_id}` has not completed"),
            ));
        }
        if purpose != slot {
            return Err(AppError::unprocessable(
                "file_purpose_mismatch",
                format!("{slot}: `{file_id}` was presigned for {purpose}"),
            ));
        }
        if accepted_by.as_deref().is_some_and(|owner| owner != id) {
            return Err(AppError::new(
                StatusCode::CONFLICT,
                "file_already_submitted",
                format!("{slot}: `{file_id}` belongs to another customer"),
            ));
        }
    }
    let now = clock::now_ms();
    for (slot, file_id) in req.slots() {
        tx.execute("UPDATE customer_files SET current = 0 WHERE customer_id = ?1 AND slot = ?2", params![id, slot])?;
        tx.execute(
            "INSERT INTO customer_files (customer_id, slot, file_id, accepted_ms, current) VALUES (?1, ?2, ?3, ?4, 1)",
            params![id, slot, file_id, now],
        )?;
        tx.execute("UPDATE files SET accepted_by = ?2 WHERE id = ?1", params![file_id, id])?;
    }
    let mut new_status = status;
    if req.id_file.is_some() && new_status != "pending" {
        let due = now + (state.config().review_delay.max(0.0) * 1000.0) as i64;
        tx.execute(
            "UPDATE customers SET status = 'pending', submitted_ms = ?2, review_due_ms = ?3, rejection_reason = NULL
             WHERE id = ?1",
            params![id, now, due],
        )?;
        new_status = "pending".into();
    }
    let body = json!({
        "customer_id": id, "message": "Files uploaded successfully",
        "verification_status": new_status, "files": current_files(&tx, id)?,
    });
    if let Some(k) = key {
        tx.execute(
            "INSERT INTO idempotency (customer_id, key, fingerprint, status, body) VALUES (?1, ?2, ?3, 200, ?4)",
            params![id, k, fingerprint, body.to_string()],
        )?;
    }
    tx.commit()?;
    state.review_wake().notify_one();
    Ok((200, body, false))
}
