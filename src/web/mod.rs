//! Browser glue (wasm32 only): components, transport, token callback, images.

pub mod api;
pub mod camera;
pub mod components;
pub mod fetch;
pub mod flow;
pub mod image;
pub mod js;
pub mod prepare;
pub mod resume;
pub mod state;
pub mod texts;
pub mod token;
pub mod transport;
