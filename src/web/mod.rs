//! Browser glue (wasm32 only): components, transport, token callback, images.

pub mod image;
