//! File API: `POST /v1/files` validates a planned upload and returns a presigned PUT URL.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use rusqlite::params;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::db::random_id;
use crate::error::{parse_json, AppError};
use crate::faults::{self, Ctx, Injection, LostAnswer};
use crate::server::ConnKill;
use crate::state::AppState;
use crate::{clock, events, oauth, sign};

/// The four upload slots, which are also the file purposes.
pub const PURPOSES: [&str; 4] = ["id_file", "id_file_back", "proof_of_address_file", "liveness_check_file"];

/// Accepted identity documents.
pub const DOCUMENT_TYPES: [&str; 3] = ["passport", "drivers_license", "resident_permit"];

const IMAGES: [&str; 5] = ["image/jpeg", "image/png", "image/webp", "image/heic", "image/heif"];

/// Whether `content_type` is accepted for `purpose`.
pub fn content_type_allowed(purpose: &str, content_type: &str) -> bool {
    IMAGES.contains(&content_type)
        || (purpose == "proof_of_address_file" && content_type == "application/pdf")
        || (purpose == "liveness_check_file" && ["video/mp4", "video/webm"].contains(&content_type))
}

/// Body of `POST /v1/files`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PresignRequest {
    purpose: String,
    #[serde(default)]
    filename: Option<String>,
    content_type: String,
    size: u64,
    #[serde(default)]
    document_type: Option<String>,
}

/// `POST /v1/files` (scope `file:write`).
pub async fn create(
    State(state): State<AppState>,
    kill: Option<Extension<ConnKill>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let mut seen = None;
    let kill = kill.map(|k| k.0);
    let res = presign(&state, kill.clone(), &headers, body, &mut seen).await;
    let (status, file_id, code) = match &res {
        Ok(v) => (201, v["file_id"].as_str().map(str::to_string), None),
        Err(e) => (e.status.as_u16(), None, Some(e.code)),
    };
    let lost = res.as_ref().ok().and_then(|_| faults::draw_lost_answer(&state, "presign", None));
    let req = seen.unwrap_or(Value::Null);
    let fields = json!({
        "status": status, "file_id": file_id, "purpose": req.get("purpose"),
        "content_type": req.get("content_type"), "size": req.get("size"),
        "document_type": req.get("document_type"), "error_code": code,
    });
    events::log(state.db(), "presign", None, file_id.as_deref(), LostAnswer::mark(lost, fields));
    if let Some(lost) = lost {
        let ctx = Ctx { file_id: file_id.as_deref(), kill, ..Ctx::default() };
        return faults::lose_answer(&state, "presign", lost, ctx).await;
    }
    match res {
        Ok(v) => (StatusCode::CREATED, Json(v)).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn presign(
    state: &AppState,
    kill: Option<ConnKill>,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
    seen: &mut Option<Value>,
) -> Result<Value, AppError> {
    let token = oauth::bearer(headers);
    let injection = faults::inject(state, "presign", Ctx { token, kill, ..Ctx::default() }).await?;
    oauth::authorize(state, headers, &["file:write"])?;
    let body = body?;
    *seen = serde_json::from_slice(&body).ok();
    let req: PresignRequest = parse_json(&body)?;
    if !PURPOSES.contains(&req.purpose.as_str()) {
        return Err(AppError::invalid(format!(
            "unknown purpose `{}`; expected one of {}",
            req.purpose,
            PURPOSES.join(", ")
        )));
    }
    let content_type = req.content_type.trim().to_ascii_lowercase();
    if !content_type_allowed(&req.purpose, &content_type) {
        return Err(AppError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_content_type",
            format!("content type `{}` is not accepted for {}", req.content_type, req.purpose),
        ));
    }
    let is_document = req.purpose == "id_file" || req.purpose == "id_file_back";
    let document_type = if is_document {
        match req.document_type.as_deref() {
            Some(d) if DOCUMENT_TYPES.contains(&d) => Some(d.to_string()),
            Some(d) => {
                return Err(AppError::unprocessable(
                    "document_type_not_accepted",
                    format!("document type `{d}` is not accepted; use a passport, driver's license or resident permit"),
                ))
            }
            None => return Err(AppError::invalid(format!("document_type is required for {}", req.purpose))),
        }
    } else {
        None
    };
    if req.size == 0 {
        return Err(AppError::invalid("size must be at least 1 byte"));
    }
    let max = state.config().max_file_size;
    if req.size > max {
        return Err(AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "file_too_large",
            format!("file is {} bytes; the limit is {max} bytes", req.size),
        ));
    }
    if req.filename.as_deref().is_some_and(|f| f.len() > 255) {
        return Err(AppError::invalid("filename is longer than 255 bytes"));
    }
    let file_id = random_id("file_", 26);
    let now = clock::now_ms();
    let expires = if injection == Injection::ExpiredPresign {
        now / 1000 - 1
    } else {
        now / 1000 + state.config().presign_ttl as i64
    };
    state.db().with(|c| {
        c.execute(
            "INSERT INTO files (id, purpose, content_type, size, document_type, filename, expires, created_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![file_id, req.purpose, content_type, req.size as i64, document_type, req.filename, expires, now],
        )
    })?;
    let sig = sign::presign(state.signing_key(), &file_id, &content_type, req.size, expires);
    Ok(json!({
        "file_id": file_id,
        "upload_url": format!("{}/upload/{file_id}?expires={expires}&sig={sig}", state.storage_base()),
        "method": "PUT",
        "headers": {"Content-Type": content_type},
        "expires_at": clock::rfc3339_s(expires * 1000),
    }))
}
