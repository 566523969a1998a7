//! `POST /oauth/token` (client credentials) and Bearer-token checks with per-route scopes.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rand::RngCore;
use rusqlite::{params, OptionalExtension};
use serde::Deserialize;
use serde_json::json;

use crate::error::{parse_json, AppError};
use crate::faults::{self, Ctx};
use crate::server::ConnKill;
use crate::sign::sha256_hex;
use crate::state::AppState;
use crate::{clock, events};

/// Token request, as form fields or JSON.
#[derive(Debug, Deserialize)]
struct TokenRequest {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    scope: Option<String>,
    /// Sandbox extension: ask for a shorter lifetime (clamped to `1..=token-ttl`).
    expires_in: Option<u64>,
}

/// A valid token: who holds it and what it may do.
#[derive(Debug, Clone)]
pub struct Grant {
    /// The OAuth client.
    pub client_id: String,
    /// Space-separated scopes.
    pub scope: String,
}

/// 401 `token_expired`.
pub fn expired() -> AppError {
    AppError::new(StatusCode::UNAUTHORIZED, "token_expired", "the access token has expired")
}

fn invalid_token(msg: &str) -> AppError {
    AppError::new(StatusCode::UNAUTHORIZED, "invalid_token", msg)
}

/// The Bearer token of a request, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim())
}

/// Check the Bearer token of a request and that it carries one of `scopes`.
pub fn authorize(state: &AppState, headers: &HeaderMap, scopes: &[&str]) -> Result<Grant, AppError> {
    let token = match bearer(headers) {
        Some(t) if !t.is_empty() => t,
        _ => return Err(invalid_token("missing Authorization: Bearer token")),
    };
    let row = state.db().with(|c| {
        c.query_row(
            "SELECT client_id, scope, expires_ms, revoked FROM tokens WHERE token_hash = ?1",
            params![sha256_hex(token.as_bytes())],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?)),
        )
        .optional()
    })?;
    let Some((client_id, scope, expires_ms, revoked)) = row else {
        return Err(invalid_token("unknown access token"));
    };
    if revoked != 0 || expires_ms <= clock::now_ms() {
        return Err(expired());
    }
    if !scope.split(' ').any(|s| scopes.contains(&s)) {
        return Err(AppError::new(
            StatusCode::FORBIDDEN,
            "insufficient_scope",
            format!("this route needs scope {}", scopes.join(" or ")),
        ));
    }
    Ok(Grant { client_id, scope })
}

/// Revoke a token (forced expiry).
pub fn revoke(state: &AppState, token: &str) {
    let hash = sha256_hex(token.as_bytes());
    let res = state.db().with(|c| c.execute("UPDATE tokens SET revoked = 1 WHERE token_hash = ?1", params![hash]));
    if let Err(e) = res {
        tracing::error!("revoke failed: {e}");
    }
}

/// `POST /oauth/token`.
pub async fn token(
    State(state): State<AppState>,
    kill: Option<axum::Extension<ConnKill>>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let mut client = None;
    let res = issue(&state, kill.map(|k| k.0), &headers, body, &mut client).await;
    let status = match &res {
        Ok(_) => 200,
        Err(e) => e.status.as_u16(),
    };
    let code = res.as_ref().err().map(|e| e.code);
    events::log(state.db(), "token", None, None, json!({"client_id": client, "status": status, "error_code": code}));
    match res {
        Ok(v) => (StatusCode::OK, [(header::CACHE_CONTROL, "no-store")], Json(v)).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn issue(
    state: &AppState,
    kill: Option<ConnKill>,
    headers: &HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
    client_out: &mut Option<String>,
) -> Result<serde_json::Value, AppError> {
    faults::inject(state, "token", Ctx { kill, ..Ctx::default() }).await?;
    let body = body?;
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("json"));
    let req: TokenRequest = if is_json {
        parse_json(&body)?
    } else {
        serde_urlencoded::from_bytes(&body).map_err(|e| AppError::invalid(format!("malformed form body: {e}")))?
    };
    *client_out = req.client_id.clone();
    match req.grant_type.as_deref() {
        Some("client_credentials") => {}
        Some(other) => {
            return Err(AppError::new(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                format!("grant_type `{other}` is not supported; use client_credentials"),
            ))
        }
        None => return Err(AppError::invalid("grant_type is required")),
    }
    let (Some(id), Some(secret)) = (req.client_id.as_deref(), req.client_secret.as_deref()) else {
        return Err(AppError::new(StatusCode::UNAUTHORIZED, "invalid_client", "client_id and client_secret are required"));
    };
    let allowed: Option<(String, String)> = state.db().with(|c| {
        c.query_row("SELECT secret, scope FROM clients WHERE client_id = ?1", params![id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
    })?;
    let client_scope = match allowed {
        Some((s, scope)) if s == secret => scope,
        _ => return Err(AppError::new(StatusCode::UNAUTHORIZED, "invalid_client", "unknown client or wrong secret")),
    };
    let scope = match req.scope.as_deref().map(str::trim) {
        None | Some("") => client_scope.clone(),
        Some(asked) => {
            let granted: Vec<&str> = client_scope.split(' ').collect();
            if let Some(bad) = asked.split_whitespace().find(|s| !granted.contains(s)) {
                return Err(AppError::new(StatusCode::BAD_REQUEST, "invalid_scope", format!("scope `{bad}` is not granted to this client")));
            }
            asked.split_whitespace().collect::<Vec<_>>().join(" ")
        }
    };
    let ttl = state.config().token_ttl.max(1);
    let expires_in = req.expires_in.map_or(ttl, |e| e.clamp(1, ttl));
    let mut raw = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut raw);
    let token = format!("sbx_{}", hex::encode(raw));
    let expires_ms = clock::now_ms() + (expires_in as i64) * 1000;
    state.db().with(|c| {
        c.execute(
            "INSERT INTO tokens (token_hash, client_id, scope, expires_ms) VALUES (?1, ?2, ?3, ?4)",
            params![sha256_hex(token.as_bytes()), id, scope, expires_ms],
        )
    })?;
    Ok(json!({"access_token": token, "token_type": "Bearer", "expires_in": expires_in, "scope": scope}))
}
