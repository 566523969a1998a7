//! Test support under `/_sandbox/*` (only with `--admin`, only for loopback peers).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rusqlite::params;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::customers::{current_files, customer_view};
use crate::db::valid_customer_id;
use crate::error::{parse_json, AppError, PathId};
use crate::faults::FaultSet;
use crate::server::PeerAddr;
use crate::state::AppState;
use crate::{clock, events, review};

/// The `/_sandbox` routes.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/_sandbox/customers", post(create_customer))
        .route("/_sandbox/customers/{id}", get(get_customer))
        .route("/_sandbox/customers/{id}/review", post(complete_review))
        .route("/_sandbox/events", get(list_events))
        .route("/_sandbox/faults", get(get_faults).post(set_faults))
        .route("/_sandbox/reset", post(reset))
        .route_layer(middleware::from_fn_with_state(state, loopback_only))
}

async fn loopback_only(req: Request, next: Next) -> Response {
    match req.extensions().get::<PeerAddr>() {
        Some(PeerAddr(peer)) if !peer.ip().is_loopback() => AppError::not_found().into_response(),
        _ => next.run(req).await,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewCustomer {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    outcome: Option<String>,
    #[serde(default)]
    rejection_reason: Option<String>,
}

fn admin_view(state: &AppState, id: &str) -> Result<Value, AppError> {
    state.db().with(|c| -> Result<Value, AppError> {
        let Some(mut view) = customer_view(c, id)? else {
            return Err(AppError::new(StatusCode::NOT_FOUND, "customer_not_found", format!("no customer `{id}`")));
        };
        let (outcome, reason): (String, Option<String>) = c.query_row(
            "SELECT outcome, configured_reason FROM customers WHERE id = ?1",
            params![id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let mut stmt = c.prepare(
            "SELECT slot, file_id, accepted_ms, current FROM customer_files WHERE customer_id = ?1 ORDER BY id",
        )?;
        let history = stmt
            .query_map(params![id], |r| {
                Ok(json!({"slot": r.get::<_, String>(0)?, "file_id": r.get::<_, String>(1)?,
                          "submitted_at": clock::rfc3339_ms(r.get(2)?), "current": r.get::<_, i64>(3)? == 1}))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        view["outcome"] = json!(outcome);
        view["configured_rejection_reason"] = json!(reason);
        view["files"] = Value::Object(current_files(c, id)?);
        view["history"] = Value::Array(history);
        Ok(view)
    })
}

async fn create_customer(State(state): State<AppState>, body: Result<Bytes, BytesRejection>) -> Result<Response, AppError> {
    let req: NewCustomer = parse_json(&body?)?;
    if !valid_customer_id(&req.id) {
        return Err(AppError::invalid("customer ids are 1 to 64 characters of A-Z, a-z, 0-9, `_` and `-`"));
    }
    if req.kind != "individual" && req.kind != "business" {
        return Err(AppError::invalid("type is `individual` or `business`"));
    }
    let outcome = req.outcome.unwrap_or_else(|| "verify".into());
    if outcome != "verify" && outcome != "reject" {
        return Err(AppError::invalid("outcome is `verify` or `reject`"));
    }
    let inserted = state.db().with(|c| {
        c.execute(
            "INSERT OR IGNORE INTO customers (id, type, outcome, configured_reason) VALUES (?1, ?2, ?3, ?4)",
            params![req.id, req.kind, outcome, req.rejection_reason],
        )
    })?;
    if inserted == 0 {
        return Err(AppError::new(StatusCode::CONFLICT, "customer_exists", format!("customer `{}` exists", req.id)));
    }
    Ok((StatusCode::CREATED, Json(admin_view(&state, &req.id)?)).into_response())
}

async fn get_customer(State(state): State<AppState>, PathId(id): PathId) -> Result<Json<Value>, AppError> {
    if !valid_customer_id(&id) {
        return Err(AppError::invalid("malformed customer id"));
    }
    Ok(Json(admin_view(&state, &id)?))
}

async fn complete_review(State(state): State<AppState>, PathId(id): PathId) -> Result<Json<Value>, AppError> {
    if !valid_customer_id(&id) {
        return Err(AppError::invalid("malformed customer id"));
    }
    let view = admin_view(&state, &id)?;
    if !review::force(&state, &id) {
        let status = view["verification_status"].clone();
        return Err(AppError::new(StatusCode::CONFLICT, "not_pending", format!("customer is {status}, not pending")));
    }
    Ok(Json(admin_view(&state, &id)?))
}

#[derive(Deserialize)]
struct EventsQuery {
    customer_id: Option<String>,
    since: Option<i64>,
}

async fn list_events(
    State(state): State<AppState>,
    query: Result<Query<EventsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, AppError> {
    let Query(q) = query.map_err(|e| AppError::invalid(e.body_text()))?;
    let list = events::list(state.db(), q.customer_id.as_deref().filter(|s| !s.is_empty()), q.since.unwrap_or(0))?;
    Ok(Json(json!({"events": list})))
}

async fn get_faults(State(state): State<AppState>) -> Json<Value> {
    Json(state.faults().snapshot())
}

async fn set_faults(State(state): State<AppState>, body: Result<Bytes, BytesRejection>) -> Result<Json<Value>, AppError> {
    let set: FaultSet = parse_json(&body?)?;
    set.validate()?;
    state.faults().set(set);
    Ok(Json(state.faults().snapshot()))
}

async fn reset(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    state.reset()?;
    Ok(Json(json!({"reset": true})))
}
