//! One machine, several processes. sled lets one process open a database; the console,
//! `serve` and `watch` that hold it answer commands from other processes of the same user
//! on a Unix socket next to the database (`place`), so an administrator with the console
//! in one tmux pane runs `phonedesk export` in the next. The command runs in the holding
//! process through the same runner as `ssh host COMMAND` (`cli::run_hosted`), and the
//! caller sees the same output and exit code as if it had run alone.
//!
//! Its own module, beside `ssh`, not inside it: it is no SSH (no keys, no roles; the
//! kernel says who the peer is), and the console uses it as much as `serve` does.

pub mod client;
pub mod place;
pub mod server;
pub mod wire;

pub use client::{send, Sent};
pub use server::LocalServer;

use crate::cli::Command;

/// Why a command cannot go to the process that holds the database, in words naming what
/// to do; None for the commands that can.
pub fn not_sent(command: Option<&Command>) -> Option<&'static str> {
    match command {
        None => Some(
            "one process opens a database: use the console that has it open, or quit it first; commands such as `phonedesk export` reach it from here",
        ),
        Some(Command::Serve) => Some(
            "`serve` opens the database itself: quit the phonedesk that has it open first, then start `serve`",
        ),
        Some(Command::Db(_)) => Some(
            "`db copy` opens both databases itself: quit the phonedesk that has one open first",
        ),
        Some(_) => None,
    }
}
