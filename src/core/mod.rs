//! The pure decision-making core: no browser APIs, tested natively.

pub mod quality;
