//! PUT throughput benchmark (placeholder).
fn main() {}
