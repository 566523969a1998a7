//! The platform sandbox (being built).
