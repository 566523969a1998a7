//! kyc-upload: an identity-document upload widget for individual customers.
//!
//! The crate is split in two:
//! - [`core`] is pure Rust that decides everything (document rules, file
//!   validation, the upload plan and its ordering invariants, retries, token
//!   expiry, status timing, image-quality metrics). `cargo test` runs it
//!   natively.
//! - `web` (wasm32 only) is the thin browser glue: Yew components, the XHR
//!   transport, the token callback, image decoding, and the JS embedding
//!   surface in `embed`.

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod web;

#[cfg(target_arch = "wasm32")]
pub mod embed;
