//! Fault injection: per-route rules drawn from a seeded random generator.

use std::collections::BTreeMap;
use std::sync::Mutex;

use axum::http::StatusCode;
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
}

impl Action {
    fn kind(&self) -> &'static str {
        match self {
            Action::Status { .. } => "status",
            Action::Latency { .. } => "latency",
            Action::Drop => "drop",
            Action::ExpireToken => "expire_token",
            Action::ExpirePresign => "expire_presign",
        }
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
    /// Injections so far (output only).
    #[serde(default)]
    pub injected: u64,
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
    /// Check routes, probabilities and statuses.
    pub fn validate(&self) -> Result<(), AppError> {
        for r in &self.rules {
            if !ROUTES.contains(&r.route.as_str()) {
                return Err(AppError::invalid(format!("unknown fault route `{}`", r.route)));
            }
            if !(0.0..=1.0).contains(&r.probability) {
                return Err(AppError::invalid("probability must be within 0.0..=1.0"));
            }
            if let Action::Status { status, .. } = r.action {
                if ![500, 502, 503, 429].contains(&status) {
                    return Err(AppError::invalid("status faults are 500, 502, 503 or 429"));
                }
            }
        }
        Ok(())
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

    /// Draw the rules for `route`: total added latency and the first other action hit.
    fn draw(&self, route: &str) -> (u64, Option<Action>) {
        let mut g = self.lock();
        let Inner { rules, rng, counts } = &mut *g;
        let mut latency = 0;
        for rule in rules.iter_mut() {
            if rule.route != route && rule.route != "any" {
                continue;
            }
            if rule.count.is_some_and(|c| rule.injected >= c) {
                continue;
            }
            if !rng.gen_bool(rule.probability) {
                continue;
            }
            rule.injected += 1;
            *counts.entry(rule.action.kind().to_string()).or_default() += 1;
            match &rule.action {
                Action::Latency { ms } => latency += ms,
                other => return (latency, Some(other.clone())),
            }
        }
        (latency, None)
    }
}

/// Apply the fault rules of `route` before the request has any effect.
pub async fn inject(state: &AppState, route: &str, ctx: Ctx<'_>) -> Result<Injection, AppError> {
    let (latency, action) = state.faults().draw(route);
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
            let (code, msg) = match status {
                502 => ("bad_gateway", "injected fault: bad gateway"),
                503 => ("service_unavailable", "injected fault: service unavailable"),
                429 => ("rate_limited", "injected fault: too many requests"),
                _ => ("internal_error", "injected fault: internal error"),
            };
            let st = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let retry = if status == 429 { Some(retry_after.unwrap_or(1)) } else { retry_after };
            Err(AppError::new(st, code, msg).with_retry_after(retry))
        }
        Action::Latency { .. } => Ok(Injection::Proceed),
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
                None => Err(AppError::new(StatusCode::SERVICE_UNAVAILABLE, "service_unavailable", "injected drop")),
            }
        }
    }
}
