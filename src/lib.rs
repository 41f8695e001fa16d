//! phonedesk: a keyboard-first console for an organisation's phone numbers.
//!
//! Read top-down: `domain` (the rules, pure), `store` (sled), `engine` (one door for every
//! change), `carrier` (where numbers come from), then the front ends `cli`, `tui`, `ssh`,
//! and `notify` (notices told to `watch` and the `[hooks]`).
//! `text` is shared by all: which characters are hidden, and how every output escapes them.

pub mod background;
pub mod bulk;
pub mod carrier;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod engine;
pub mod export;
pub mod filter;
pub mod local;
pub mod local_time;
pub mod notify;
pub mod organisation;
pub mod ssh;
pub mod store;
pub mod text;
pub mod tui;
