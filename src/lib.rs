//! prodready: is this repository ready to deploy to production — and exactly why not.
//!
//! Pipeline (one way): `discover` → `parse` (rayon) → `index` → `rules` via `engine` →
//! `suppress` → `score` → `report` → renderers. See `ARCHITECTURE` notes in README.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::string_slice)
)]

pub mod app;
pub mod baseline;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod diff;
pub mod discover;
pub mod engine;
pub mod error;
pub mod finding;
pub mod index;
pub mod model;
pub mod parse;
pub mod report;
pub mod rules;
pub mod score;
pub mod source;
pub mod suppress;
