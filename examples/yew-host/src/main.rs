//! A Rust host page that embeds the widget as a Yew component (work in progress).

fn main() {}
