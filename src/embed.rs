//! The JavaScript embedding surface (being built).
