//! Browser image decoding for the quality gate (being built).
