//! kyc-upload: an identity-document upload widget for individual customers
//! of a fintech platform, in Rust and Yew, compiled to WebAssembly.
//!
//! The customer picks a document type (passport, driver's license or
//! resident permit; national ID cards are refused) and chooses up to four
//! files; each goes straight from the browser to a presigned URL, then the
//! file ids are sent to `POST /customers/{id}/files`, with `id_file` (which
//! starts verification) last and exactly once, even when an answer is lost.
//!
//! # Two ways to embed it
//!
//! - **From JavaScript**: the npm package (`./scripts/package.sh` writes
//!   `target/npm/kyc-upload-<version>.tgz`) exports `mount(element,
//!   options)`, `checkImage(blob)` and the `<kyc-upload>` element, with
//!   TypeScript declarations. That surface is this crate's `embed` module,
//!   built with the default `js` feature.
//! - **From a Rust (Yew) host**: depend on the crate with
//!   `default-features = false` (no JS exports, no start function) and render
//!   `web::components::KycUpload` like any component. Tokens come from the
//!   host's own backend through `web::token::TokenSource::Rust`; options are
//!   checked by [`core::options::parse_options`], as `mount` does.
//!
//! # A Yew host
//!
//! `examples/yew-host/` (a Trunk app, built and run by the tests) is this:
//!
//! ```rust,ignore
#![doc = include_str!("../examples/yew-host/src/main.rs")]
//! ```
//!
//! # Layout
//!
//! - [`core`] is pure Rust that decides everything (document rules, file
//!   validation, the upload plan and its ordering invariants, retries, token
//!   expiry, status timing, image-quality metrics). `cargo test` runs it
//!   natively.
//! - `web` (wasm32 only) is the thin browser glue: Yew components, the API
//!   client (JSON calls over `fetch` with gloo-net, uploads over XHR for
//!   their progress), the token callback, image decoding, and the JS
//!   embedding surface in `embed`.

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod web;

#[cfg(all(target_arch = "wasm32", feature = "js"))]
pub mod embed;

/// The JS build's allocator: talc instead of the standard library's
/// dlmalloc: 4.6 kB gzip less bundle (the budget history is in
/// `tests/e2e/bundle.test.mjs`), and faster. A
/// Rust host (`default-features = false`) keeps its own.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics"), feature = "js"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
