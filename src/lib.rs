//! phonedesk: a keyboard-first console for an organisation's phone numbers.
//!
//! Read top-down: `domain` (the rules, pure), `store` (sled), `engine` (one door for every
//! change), `carrier` (where numbers come from), then the front ends `cli`, `tui`, `ssh`.

pub mod carrier;
pub mod domain;
pub mod store;
pub mod config;
pub mod engine;
pub mod cli;
pub mod tui;
pub mod ssh;
