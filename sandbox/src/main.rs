//! `kyc-sandbox` binary.
fn main() {}
