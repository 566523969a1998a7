//! CORS for the three listeners: tower-http's [`CorsLayer`] with the exact origins of
//! `--allow-origin` (no wildcard, no credentials: the widget sends its Bearer token in
//! `Authorization`, never cookies). Preflights (every `OPTIONS`) are answered by the layer and
//! never reach the handlers, nor the event log.

use std::time::Duration;

use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::middleware;
use axum::response::Response;
use axum::Router;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// What one listener allows cross-origin.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    /// `Access-Control-Allow-Methods` of a preflight.
    pub methods: &'static [Method],
    /// `Access-Control-Allow-Headers` of a preflight (lowercase names).
    pub headers: &'static [&'static str],
    /// `Access-Control-Expose-Headers` of a real response (lowercase names; none when empty).
    pub expose: &'static [&'static str],
}

/// The platform API: the widget's calls with its token, the files request's idempotency key,
/// and `Retry-After` readable on a 429 or 503.
pub const API: Rules = Rules {
    methods: &[Method::GET, Method::POST],
    headers: &["authorization", "content-type", "idempotency-key", "accept"],
    expose: &["retry-after"],
};

/// The storage origin: the presigned `PUT` with its `Content-Type`, and its `ETag` (contract §2.3).
pub const STORAGE: Rules = Rules { methods: &[Method::PUT], headers: &["content-type"], expose: &["etag"] };

/// The demo host backend (token exchange, status), for a page served on another origin.
pub const DEMO: Rules = Rules { methods: &[Method::GET, Method::POST], headers: &["content-type"], expose: &[] };

/// How long a browser may cache a preflight answer.
pub const MAX_AGE: Duration = Duration::from_secs(600);

/// `router` with CORS for `origins` as `rules` say.
pub fn apply<S: Clone + Send + Sync + 'static>(router: Router<S>, origins: &[String], rules: Rules) -> Router<S> {
    let origins = origins.iter().filter_map(|o| {
        // `*` is no origin a browser sends (and `AllowOrigin::list` refuses it): allow-lists only.
        let value = HeaderValue::from_str(o).ok().filter(|_| o != "*");
        if value.is_none() {
            tracing::warn!(origin = %o, "--allow-origin value ignored: not an origin");
        }
        value
    });
    let mut cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins.collect::<Vec<_>>()))
        .allow_methods(rules.methods.to_vec())
        .allow_headers(names(rules.headers))
        .max_age(MAX_AGE);
    if !rules.expose.is_empty() {
        cors = cors.expose_headers(names(rules.expose));
    }
    router.layer(cors).layer(middleware::map_response(nothing_for_other_origins))
}

fn names(list: &[&'static str]) -> Vec<HeaderName> {
    list.iter().map(|n| HeaderName::from_static(n)).collect()
}

/// Hand-written on purpose, for the sandbox's rule "a disallowed origin gets no CORS header at
/// all" (docs/sandbox.md): `CorsLayer` omits only `Access-Control-Allow-Origin` for such an
/// origin (or a request without `Origin`) and still writes the preflight's methods, headers and
/// max-age and every response's exposed headers; it has no per-origin switch for them.
async fn nothing_for_other_origins(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    if !h.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN) {
        for name in [
            header::ACCESS_CONTROL_ALLOW_METHODS,
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            header::ACCESS_CONTROL_MAX_AGE,
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
        ] {
            h.remove(name);
        }
    }
    resp
}
