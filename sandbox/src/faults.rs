//! Fault injection: per-route rules drawn from a seeded random generator.
//!
//! Two draws per request. Before the request has any effect, every rule except `lose_answer`
//! is drawn ([`inject`]). After a request succeeded and committed, only the `lose_answer` rules
//! are drawn ([`draw_lost_answer`]); a hit replaces the real answer with a 502/503 or a closed
//! connection ([`lose_answer`]). A request that failed never draws `lose_answer` rules, so they
//! neither count nor consume the generator.

use std::collections::BTreeMap;
use std::sync::Mutex;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::AppError;
use crate::server::ConnKill;
use crate::state::AppState;
use crate::{events, oauth};

/// Routes a rule can target.
pub const ROUTES: [&str; 6] = ["token", "presign", "put", "files", "customer", "any"];

/// What an injected fault does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Answer with this status (500, 502, 503 or 429) and the contract error body.
    Status {
        /// The HTTP status.
        status: u16,
        /// `Retry-After` seconds (429 only).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<u64>,
    },
    /// Add latency before handling the request.
    Latency {
        /// Milliseconds of delay.
        ms: u64,
    },
    /// Close the connection without a response (a PUT reads part of its body first).
    Drop,
    /// Answer 401 `token_expired` and revoke the token presented.
    ExpireToken,
    /// On `put`: 403 `upload_url_expired`; on `presign`: issue an already expired URL.
    ExpirePresign,
    /// Handle and commit the request, then answer 502/503 (`status`) or, without `status`,
    /// close the connection with no response.
    LoseAnswer {
        /// 502 or 503; absent: close the connection.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<u16>,
    },
}

impl Action {
    fn kind(&self) -> &'static str {
        match self {
            Action::Status { .. } => "status",
            Action::Latency { .. } => "latency",
            Action::Drop => "drop",
            Action::ExpireToken => "expire_token",
            Action::ExpirePresign => "expire_presign",
            Action::LoseAnswer { .. } => "lose_answer",
        }
    }

    /// Whether the action is drawn after the request succeeded instead of before it.
    fn after_success(&self) -> bool {
        matches!(self, Action::LoseAnswer { .. })
    }
}

/// One rule of `POST /_sandbox/faults`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// `token`, `presign`, `put`, `files`, `customer` or `any`.
    pub route: String,
    /// Chance of injection per matching request, 0.0..=1.0 (default 1.0).
    #[serde(default = "one")]
    pub probability: f64,
    /// Maximum number of injections by this rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// What to inject.
    pub action: Action,
    /// Route `files` only: `true` matches only requests whose body carries `id_file`, `false`
    /// only requests without it; absent matches every files request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_file: Option<bool>,
    /// Injections so far (output only).
    #[serde(default)]
    pub injected: u64,
}

impl Rule {
    /// Whether the rule targets a request of `route` (`id_file`: see [`Ctx::id_file`]).
    fn applies_to(&self, route: &str, id_file: Option<bool>) -> bool {
        let route_matches = self.route == route || self.route == "any";
        route_matches && self.id_file.is_none_or(|want| id_file == Some(want))
    }

    /// Count and probability: whether the rule fires now; a hit is counted.
    fn fire(&mut self, rng: &mut StdRng, counts: &mut BTreeMap<String, u64>) -> bool {
        if self.count.is_some_and(|c| self.injected >= c) || !rng.gen_bool(self.probability) {
            return false;
        }
        self.injected += 1;
        *counts.entry(self.action.kind().to_string()).or_default() += 1;
        true
    }

    /// Check route, probability, status and the `id_file` filter.
    fn validate(&self) -> Result<(), AppError> {
        if !ROUTES.contains(&self.route.as_str()) {
            return Err(AppError::invalid(format!("unknown fault route `{}`", self.route)));
        }
        if !(0.0..=1.0).contains(&self.probability) {
            return Err(AppError::invalid("probability must be within 0.0..=1.0"));
        }
        if self.id_file.is_some() && self.route != "files" {
            return Err(AppError::invalid("`id_file` is only allowed on rules of route `files`"));
        }
        match self.action {
            Action::Status { status, .. } if ![500, 502, 503, 429, 409, 422].contains(&status) => {
                Err(AppError::invalid("status faults are 500, 502, 503, 429, 409 or 422"))
            }
            Action::LoseAnswer { .. } if self.route == "token" => Err(AppError::invalid(
                "lose_answer is not available on route `token`; use presign, put, files, customer or any",
            )),
            Action::LoseAnswer { status: Some(status) } if status != 502 && status != 503 => {
                Err(AppError::invalid("lose_answer status is 502 or 503 (omit it to close the connection)"))
            }
            _ => Ok(()),
        }
    }
}

fn one() -> f64 {
    1.0
}

/// Body of `POST /_sandbox/faults`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSet {
    /// The new rule set (replaces the old; empty clears).
    pub rules: Vec<Rule>,
    /// Reseed the generator.
    #[serde(default)]
    pub seed: Option<u64>,
}

impl FaultSet {
    /// Check routes, probabilities, statuses and `id_file` filters.
    pub fn validate(&self) -> Result<(), AppError> {
        self.rules.iter().try_for_each(Rule::validate)
    }
}

struct Inner {
    rules: Vec<Rule>,
    rng: StdRng,
    counts: BTreeMap<String, u64>,
}

/// The rule set, the seeded generator and counts of injections by kind.
pub struct Faults {
    inner: Mutex<Inner>,
    seed: u64,
}

/// What a request must do after rules were drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Injection {
    /// Go on normally.
    Proceed,
    /// Drop the connection (the PUT handler does it mid-body).
    Drop,
    /// Presign route: hand out an already expired URL.
    ExpiredPresign,
}

/// Context of a request for fault injection.
#[derive(Default)]
pub struct Ctx<'a> {
    /// Bearer token presented, if any (revoked by `expire_token`).
    pub token: Option<&'a str>,
    /// Customer concerned, for the event log.
    pub customer_id: Option<&'a str>,
    /// File concerned, for the event log.
    pub file_id: Option<&'a str>,
    /// Handle that closes the connection, when served by a real listener.
    pub kill: Option<ConnKill>,
    /// Files requests: whether the body carries `id_file` (for rules with an `id_file`
    /// filter); `None` on other routes.
    pub id_file: Option<bool>,
}

/// A `lose_answer` rule hit a request that succeeded: how its answer is lost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LostAnswer {
    /// 502 or 503; `None`: close the connection.
    pub status: Option<u16>,
}

impl LostAnswer {
    /// Add `"answer_lost": true` to the fields of the request's own event when `lost` is set.
    pub fn mark(lost: Option<LostAnswer>, mut fields: serde_json::Value) -> serde_json::Value {
        if let (Some(_), Some(map)) = (lost, fields.as_object_mut()) {
            map.insert("answer_lost".into(), serde_json::Value::Bool(true));
        }
        fields
    }
}

/// Whether a files request body is a JSON object carrying a non-null `id_file`.
pub fn carries_id_file(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("id_file").map(|f| !f.is_null()))
        .unwrap_or(false)
}

impl Faults {
    /// No rules, generator seeded from `seed`.
    pub fn new(seed: u64) -> Faults {
        Faults {
            inner: Mutex::new(Inner { rules: Vec::new(), rng: StdRng::seed_from_u64(seed), counts: BTreeMap::new() }),
            seed,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Replace the rules (and reseed if asked).
    pub fn set(&self, set: FaultSet) {
        let mut g = self.lock();
        g.rules = set.rules.into_iter().map(|r| Rule { injected: 0, ..r }).collect();
        if let Some(seed) = set.seed {
            g.rng = StdRng::seed_from_u64(seed);
        }
    }

    /// Remove all rules, zero the counts and reseed from `--seed`.
    pub fn clear(&self) {
        let mut g = self.lock();
        g.rules.clear();
        g.counts.clear();
        g.rng = StdRng::seed_from_u64(self.seed);
    }

    /// Current rules and injection counts by kind.
    pub fn snapshot(&self) -> serde_json::Value {
        let g = self.lock();
        json!({"rules": g.rules, "injected": g.counts})
    }

    /// Draw the before-effect rules for `route`: total added latency and the first other
    /// action hit. `lose_answer` rules are skipped (they neither count nor draw here).
    fn draw(&self, route: &str, id_file: Option<bool>) -> (u64, Option<Action>) {
        let mut g = self.lock();
        let Inner { rules, rng, counts } = &mut *g;
        let mut latency = 0;
        for rule in rules.iter_mut() {
            if rule.action.after_success() || !rule.applies_to(route, id_file) || !rule.fire(rng, counts) {
                continue;
            }
            match &rule.action {
                Action::Latency { ms } => latency += ms,
                other => return (latency, Some(other.clone())),
            }
        }
        (latency, None)
    }

    /// Draw the `lose_answer` rules for a request of `route` that succeeded; the first hit wins.
    fn draw_lost(&self, route: &str, id_file: Option<bool>) -> Option<LostAnswer> {
        if route == "token" {
            return None;
        }
        let mut g = self.lock();
        let Inner { rules, rng, counts } = &mut *g;
        rules
            .iter_mut()
            .filter(|rule| rule.action.after_success() && rule.applies_to(route, id_file))
            .find_map(|rule| {
                let Action::LoseAnswer { status } = rule.action else { return None };
                rule.fire(rng, counts).then_some(LostAnswer { status })
            })
    }
}

/// The contract error of an injected 5xx or 429 status.
fn status_error(status: u16, retry_after: Option<u64>) -> AppError {
    let (code, msg) = match status {
        502 => ("bad_gateway", "injected fault: bad gateway"),
        503 => ("service_unavailable", "injected fault: service unavailable"),
        429 => ("rate_limited", "injected fault: too many requests"),
        // A refusal: what a server says of a request it will not apply
        // (the contract's 4xx), with a code no client knows in advance.
        409 => ("conflict", "injected fault: refused (conflict)"),
        422 => ("unprocessable", "injected fault: refused"),
        _ => ("internal_error", "injected fault: internal error"),
    };
    let st = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let retry = if status == 429 { Some(retry_after.unwrap_or(1)) } else { retry_after };
    AppError::new(st, code, msg).with_retry_after(retry)
}

/// 503 standing in for a closed connection where there is no real listener (oneshot tests).
fn drop_fallback() -> AppError {
    AppError::new(StatusCode::SERVICE_UNAVAILABLE, "service_unavailable", "injected drop")
}

/// After a request of `route` succeeded and committed (status 2xx): draw the `lose_answer`
/// rules. Call it before logging the request's own event, which then carries
/// `"answer_lost": true` (see [`LostAnswer::mark`]).
pub fn draw_lost_answer(state: &AppState, route: &str, id_file: Option<bool>) -> Option<LostAnswer> {
    state.faults().draw_lost(route, id_file)
}

/// Log the `lose_answer` fault event (after the request's own event) and lose the answer:
/// a 502/503 contract error, or the connection closed without a response (503 without a
/// real listener).
pub async fn lose_answer(state: &AppState, route: &str, lost: LostAnswer, ctx: Ctx<'_>) -> Response {
    let fields = json!({"route": route, "fault": "lose_answer", "status": lost.status, "committed": true});
    events::log(state.db(), "fault", ctx.customer_id, ctx.file_id, fields);
    match (lost.status, ctx.kill) {
        (Some(status), _) => status_error(status, None).into_response(),
        (None, Some(kill)) => kill.kill_and_wait().await,
        (None, None) => drop_fallback().into_response(),
    }
}

/// Apply the fault rules of `route` before the request has any effect (all but `lose_answer`).
pub async fn inject(state: &AppState, route: &str, ctx: Ctx<'_>) -> Result<Injection, AppError> {
    let (latency, action) = state.faults().draw(route, ctx.id_file);
    let log = |fault: &str, status: Option<u16>| {
        let fields = json!({"route": route, "fault": fault, "status": status});
        events::log(state.db(), "fault", ctx.customer_id, ctx.file_id, fields);
    };
    if latency > 0 {
        log("latency", None);
        tokio::time::sleep(std::time::Duration::from_millis(latency)).await;
    }
    let Some(action) = action else { return Ok(Injection::Proceed) };
    match action {
        Action::Status { status, retry_after } => {
            log("status", Some(status));
            Err(status_error(status, retry_after))
        }
        Action::Latency { .. } | Action::LoseAnswer { .. } => Ok(Injection::Proceed),
        Action::ExpireToken => {
            log("expire_token", Some(401));
            if let Some(tok) = ctx.token {
                oauth::revoke(state, tok);
            }
            Err(oauth::expired())
        }
        Action::ExpirePresign if route == "presign" => {
            log("expire_presign", None);
            Ok(Injection::ExpiredPresign)
        }
        Action::ExpirePresign => {
            log("expire_presign", Some(403));
            Err(crate::storage::url_expired())
        }
        Action::Drop => {
            log("drop", None);
            if route == "put" {
                return Ok(Injection::Drop);
            }
            match ctx.kill {
                Some(kill) => kill.kill_and_wait().await,
                None => Err(drop_fallback()),
            }
        }
    }
}
