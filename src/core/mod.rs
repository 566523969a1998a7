//! The pure decision-making core: no browser APIs, tested natively.

pub mod api;
pub mod camera;
pub mod catalog;
pub mod locale;
pub mod options;
pub mod outcome;
pub mod plan;
pub mod quality;
pub mod resume;
pub mod retry;
pub mod rules;
pub mod settle;
pub mod slot_map;
pub mod sniff;
pub mod status;
pub mod token;
pub mod validate;
