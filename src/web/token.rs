//! Tokens from the host's `getToken` callback: called when no fresh token
//! is cached, shared between concurrent requests, bounded in time, and
//! kept in memory only (never in storage, cookies, URLs or the console).

use crate::core::api::Failure;
use crate::core::token::{CachedToken, TokenValue};
use crate::web::js::{error_text, now_ms, sleep};
use futures::channel::oneshot;
use futures::future::{Either, LocalBoxFuture};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// How long a `getToken` Promise may take before it counts as failed.
pub const TOKEN_TIMEOUT_MS: u64 = 20_000;

/// Where tokens come from.
#[derive(Clone)]
pub enum TokenSource {
    /// A JavaScript function (the `getToken` option).
    Js(js_sys::Function),
    /// A Rust host's async function.
    Rust(Rc<dyn Fn() -> LocalBoxFuture<'static, Result<TokenValue, String>>>),
}

impl PartialEq for TokenSource {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (TokenSource::Js(a), TokenSource::Js(b)) => a == b,
            (TokenSource::Rust(a), TokenSource::Rust(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

type Waiter = oneshot::Sender<Result<CachedToken, Failure>>;

/// The token cache in front of a [`TokenSource`].
pub struct Tokens {
    source: TokenSource,
    cached: RefCell<Option<CachedToken>>,
    /// `Some` while a fetch runs: the callers waiting for its result.
    waiters: RefCell<Option<Vec<Waiter>>>,
}

/// Ends a fetch however it ends: if the fetching call is dropped (its
/// request aborted), the waiters' channels close and they fetch themselves.
struct FetchGuard<'a>(&'a Tokens);

impl Drop for FetchGuard<'_> {
    fn drop(&mut self) {
        self.0.waiters.borrow_mut().take();
    }
}

impl Tokens {
    /// A cache with nothing in it.
    pub fn new(source: TokenSource) -> Rc<Tokens> {
        Rc::new(Tokens { source, cached: RefCell::new(None), waiters: RefCell::new(None) })
    }

    /// A usable token: the cached one while fresh, else a new one. Calls
    /// made while a fetch runs share its result (one `getToken` call).
    pub async fn get(self: &Rc<Self>) -> Result<String, Failure> {
        loop {
            if let Some(token) = self.cached.borrow().as_ref().filter(|t| t.is_fresh(now_ms())) {
                return Ok(token.token.clone());
            }
            let waiting = self.waiters.borrow_mut().as_mut().map(|waiters| {
                let (tx, rx) = oneshot::channel();
                waiters.push(tx);
                rx
            });
            if let Some(rx) = waiting {
                match rx.await {
                    Ok(result) => return result.map(|t| t.token),
                    Err(_) => continue,
                }
            }
            *self.waiters.borrow_mut() = Some(Vec::new());
            let guard = FetchGuard(self);
            let result = fetch(&self.source).await;
            if let Ok(token) = &result {
                *self.cached.borrow_mut() = Some(token.clone());
            }
            let waiters = self.waiters.borrow_mut().take().unwrap_or_default();
            drop(guard);
            for waiter in waiters {
                let _ = waiter.send(result.clone());
            }
            return result.map(|t| t.token);
        }
    }

    /// Forgets `token` after the API refused it (only if it is still the
    /// cached one, so concurrent refusals refetch once).
    pub fn refused(&self, token: &str) {
        let mut cached = self.cached.borrow_mut();
        if cached.as_ref().is_some_and(|c| c.token == token) {
            *cached = None;
        }
    }
}

fn config_error(message: String) -> Failure {
    Failure::Permanent { code: "invalid_token_value".into(), message }
}

/// `getToken` failed in a way worth retrying (a rejected or unsettled
/// Promise, a Rust host's error): the failure says only `token_error`,
/// never what the host's backend answered.
fn transient() -> Failure {
    Failure::Transient { retry_after_ms: None, reason: "token_error".into() }
}

async fn fetch(source: &TokenSource) -> Result<CachedToken, Failure> {
    let value = match source {
        TokenSource::Rust(f) => f().await.map_err(|_| transient())?,
        TokenSource::Js(f) => {
            // A synchronous throw is a programming error in the host page:
            // report it as configuration. A rejected Promise may be a flaky
            // backend: retried like a network error.
            let returned = f
                .call0(&JsValue::UNDEFINED)
                .map_err(|e| config_error(format!("getToken threw: {}", error_text(&e))))?;
            let resolved = if returned.has_type::<js_sys::Promise>() || is_thenable(&returned) {
                let promise = js_sys::Promise::resolve(&returned);
                let settled = JsFuture::from(promise);
                let timeout = Box::pin(sleep(TOKEN_TIMEOUT_MS));
                match futures::future::select(settled, timeout).await {
                    Either::Left((r, _)) => r.map_err(|_| transient())?,
                    Either::Right(_) => return Err(transient()),
                }
            } else {
                returned
            };
            token_value(&resolved).map_err(config_error)?
        }
    };
    value.into_cached(now_ms()).map_err(|e| config_error(e.message().into()))
}

fn is_thenable(value: &JsValue) -> bool {
    value.is_object() && js_sys::Reflect::get(value, &"then".into()).is_ok_and(|then| then.is_function())
}

/// Reads what `getToken` produced: a string, or `{access_token, expires_in}`.
pub fn token_value(value: &JsValue) -> Result<TokenValue, String> {
    if let Some(token) = value.as_string() {
        return Ok(TokenValue::Bare(token));
    }
    if value.is_object() {
        let field = |name: &str| js_sys::Reflect::get(value, &name.into()).unwrap_or(JsValue::UNDEFINED);
        let access_token = field("access_token").as_string().ok_or(
            "getToken returned an object without a string `access_token`; return a string or {access_token, expires_in}",
        )?;
        let expires_in = field("expires_in");
        if expires_in.is_undefined() {
            return Ok(TokenValue::Bare(access_token));
        }
        let expires_in = expires_in.as_f64().ok_or("getToken returned an `expires_in` that is not a number of seconds")?;
        return Ok(TokenValue::WithExpiry { access_token, expires_in });
    }
    let kind = if value.is_null() { "null".to_string() } else { value.js_typeof().as_string().unwrap_or_default() };
    Err(format!("getToken must return a string or {{access_token, expires_in}}, not {kind}"))
}
