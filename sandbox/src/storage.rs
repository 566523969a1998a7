//! Storage origin: `PUT /upload/{file_id}?expires=&sig=` verifies the presigned URL and streams
//! the body to disk. A blob counts as uploaded only after it was fully received and renamed.

use std::path::{Path as FsPath, PathBuf};

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use futures_util::StreamExt;
use rusqlite::{params, OptionalExtension};
use serde::Deserialize;
use serde_json::json;
use tokio::io::AsyncWriteExt;

use crate::db::{random_id, valid_file_id};
use crate::error::{AppError, PathId};
use crate::faults::{self, Ctx, Injection, LostAnswer};
use crate::server::ConnKill;
use crate::state::AppState;
use crate::{clock, events, sign};

/// 403 `upload_url_expired`.
pub fn url_expired() -> AppError {
    AppError::new(StatusCode::FORBIDDEN, "upload_url_expired", "the presigned upload URL has expired")
}

fn bad_signature(msg: &str) -> AppError {
    AppError::new(StatusCode::FORBIDDEN, "invalid_signature", msg)
}

#[derive(Deserialize)]
struct SignedQuery {
    expires: Option<String>,
    sig: Option<String>,
}

/// What the PUT handler observed, for the event log.
#[derive(Default)]
struct Seen {
    bytes: u64,
    completed: bool,
}

/// Path of the completed blob of a file.
pub fn blob_path(state: &AppState, file_id: &str) -> PathBuf {
    state.blob_dir().join(file_id)
}

/// A PUT's event, logged exactly once: by the handler once it has an
/// answer, or when the handler is dropped without one. Hyper drops it when
/// the client goes away while it waits (an injected latency, a slow disk);
/// the event then says so (`status` null, `error_code` `client_gone`)
/// instead of leaving no trace of the request.
struct PutEvent {
    state: AppState,
    file_id: Option<String>,
    content_type: Option<String>,
    origin: Option<String>,
    authorization: bool,
    seen: Seen,
    logged: bool,
}

impl PutEvent {
    fn new(state: &AppState, file_id: &str, headers: &HeaderMap) -> PutEvent {
        let header_str = |h: header::HeaderName| headers.get(h).and_then(|v| v.to_str().ok()).map(str::to_string);
        PutEvent {
            state: state.clone(),
            file_id: valid_file_id(file_id).then(|| file_id.to_string()),
            content_type: header_str(header::CONTENT_TYPE),
            origin: header_str(header::ORIGIN),
            authorization: headers.contains_key(header::AUTHORIZATION),
            seen: Seen::default(),
            logged: false,
        }
    }

    fn log(&mut self, status: Option<u16>, code: Option<&str>, lost: Option<LostAnswer>) {
        self.logged = true;
        let fields = json!({
            "status": status, "file_id": self.file_id, "content_type": self.content_type,
            "bytes": self.seen.bytes, "authorization": self.authorization,
            "origin": self.origin, "completed": self.seen.completed, "error_code": code,
        });
        events::log(self.state.db(), "put", None, self.file_id.as_deref(), LostAnswer::mark(lost, fields));
    }
}

impl Drop for PutEvent {
    fn drop(&mut self) {
        if !self.logged {
            self.log(None, Some("client_gone"), None);
        }
    }
}

/// `PUT /upload/{file_id}`.
pub async fn put(
    State(state): State<AppState>,
    PathId(file_id): PathId,
    RawQuery(query): RawQuery,
    kill: Option<Extension<ConnKill>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let mut event = PutEvent::new(&state, &file_id, &headers);
    let kill = kill.map(|k| k.0);
    let res = receive(&state, &file_id, query.as_deref(), kill.clone(), &headers, body, &mut event.seen).await;
    let (status, code) = match &res {
        Ok(_) => (Some(200), None),
        Err(None) => (None, Some("connection_dropped")),
        Err(Some(e)) => (Some(e.status.as_u16()), Some(e.code)),
    };
    let lost = res.as_ref().ok().and_then(|_| faults::draw_lost_answer(&state, "put", None));
    event.log(status, code, lost);
    let logged_id = event.file_id.clone();
    if let Some(lost) = lost {
        return faults::lose_answer(&state, "put", lost, Ctx { file_id: logged_id.as_deref(), kill, ..Ctx::default() }).await;
    }
    match res {
        Ok(etag) => {
            let mut resp = StatusCode::OK.into_response();
            if let Ok(v) = HeaderValue::from_str(&etag) {
                resp.headers_mut().insert(header::ETAG, v);
            }
            resp
        }
        Err(Some(e)) => e.into_response(),
        Err(None) => match kill {
            Some(k) => k.kill_and_wait().await,
            None => Response::new(Body::from_stream(futures_util::stream::once(async {
                Err::<bytes::Bytes, _>(std::io::Error::other("connection dropped by fault"))
            }))),
        },
    }
}

/// `Err(None)` means: drop the connection.
async fn receive(
    state: &AppState,
    file_id: &str,
    query: Option<&str>,
    kill: Option<ConnKill>,
    headers: &HeaderMap,
    body: Body,
    seen: &mut Seen,
) -> Result<String, Option<AppError>> {
    let ctx_id = valid_file_id(file_id).then_some(file_id);
    let injection = faults::inject(state, "put", Ctx { file_id: ctx_id, kill, ..Ctx::default() }).await?;
    if !valid_file_id(file_id) {
        return Err(Some(AppError::invalid("malformed file id in the upload path")));
    }
    let q: SignedQuery = serde_urlencoded::from_str(query.unwrap_or(""))
        .map_err(|_| bad_signature("malformed query string"))?;
    let (Some(expires), Some(sig)) = (q.expires, q.sig) else {
        return Err(Some(bad_signature("the upload URL lacks `expires` or `sig`")));
    };
    let expires: i64 = expires.parse().map_err(|_| bad_signature("malformed `expires`"))?;
    let record: Option<(String, i64, Option<String>)> = state
        .db()
        .with(|c| {
            c.query_row(
                "SELECT content_type, size, accepted_by FROM files WHERE id = ?1",
                params![file_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
        })
        .map_err(AppError::from)?;
    let Some((content_type, size, accepted_by)) = record else {
        return Err(Some(bad_signature("no upload was presigned for this file id")));
    };
    let size = size as u64;
    if !sign::verify_presign(state.signing_key(), file_id, &content_type, size, expires, &sig) {
        return Err(Some(bad_signature("the upload URL signature does not match")));
    }
    if expires < clock::now_s() {
        return Err(Some(url_expired()));
    }
    if accepted_by.is_some() {
        return Err(Some(AppError::new(
            StatusCode::CONFLICT,
            "file_already_submitted",
            "this file was already accepted for a customer; presign a new upload",
        )));
    }
    let sent_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let base_type = sent_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if base_type != content_type {
        return Err(Some(AppError::new(
            StatusCode::BAD_REQUEST,
            "content_type_mismatch",
            format!("Content-Type `{sent_type}` differs from the presigned `{content_type}`"),
        )));
    }
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|d| d != size) {
        return Err(Some(length_mismatch(declared.unwrap_or(0), size)));
    }
    let tmp = state.blob_dir().join("tmp").join(random_id(&format!("{file_id}."), 8));
    let drop_after = (injection == Injection::Drop).then(|| (size / 2).clamp(1, 64 * 1024));
    let written = write_body(&tmp, body, size, drop_after, seen).await;
    let etag = match written {
        Ok(etag) => etag,
        Err(e) => {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(e);
        }
    };
    let finish = state.db().with(|c| -> Result<(), AppError> {
        let tx = c.transaction()?;
        let accepted: Option<Option<String>> =
            tx.query_row("SELECT accepted_by FROM files WHERE id = ?1", params![file_id], |r| r.get(0)).optional()?;
        match accepted {
            None => return Err(AppError::new(StatusCode::GONE, "not_found", "the file was removed during the upload")),
            Some(Some(_)) => {
                return Err(AppError::new(StatusCode::CONFLICT, "file_already_submitted", "this file was already accepted"))
            }
            Some(None) => {}
        }
        std::fs::rename(&tmp, blob_path(state, file_id))?;
        tx.execute(
            "UPDATE files SET uploaded_ms = ?2, etag = ?3 WHERE id = ?1",
            params![file_id, clock::now_ms(), etag],
        )?;
        tx.commit()?;
        Ok(())
    });
    if let Err(e) = finish {
        let _ = tokio::fs::remove_file(&tmp).await;
        return Err(Some(e));
    }
    seen.completed = true;
    Ok(etag)
}

fn length_mismatch(got: u64, want: u64) -> AppError {
    AppError::new(
        StatusCode::BAD_REQUEST,
        "length_mismatch",
        format!("body is {got} bytes; the presigned length is {want} bytes"),
    )
}

/// Stream `body` into `tmp`, stopping as soon as it exceeds `size`. Returns the quoted ETag.
async fn write_body(
    tmp: &FsPath,
    body: Body,
    size: u64,
    drop_after: Option<u64>,
    seen: &mut Seen,
) -> Result<String, Option<AppError>> {
    let file = tokio::fs::File::create(tmp).await.map_err(AppError::from)?;
    let mut out = tokio::io::BufWriter::with_capacity(1 << 20, file);
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| AppError::invalid(format!("upload interrupted: {e}")))?;
        seen.bytes += chunk.len() as u64;
        if seen.bytes > size {
            return Err(Some(length_mismatch(seen.bytes, size)));
        }
        out.write_all(&chunk).await.map_err(AppError::from)?;
        if drop_after.is_some_and(|n| seen.bytes >= n) {
            return Err(None);
        }
    }
    if seen.bytes != size {
        return Err(Some(length_mismatch(seen.bytes, size)));
    }
    out.flush().await.map_err(AppError::from)?;
    // Not a content hash (hashing would cost CPU on every byte): a fresh tag per stored version.
    let tag = random_id("", 26);
    Ok(format!("\"{}\"", tag.to_ascii_lowercase()))
}
