//! Text from people and from the store, on its way in and out. Pure: no I/O beyond the
//! writers it is handed, so the domain's input rule and every front end's output share it.
//!
//! - `chars`: which characters are hidden (C0, DEL, C1, bidirectional controls, U+2028 and
//!   U+2029) and their names, for the domain's "refuse them, named" rule;
//! - `escape`: hidden characters shown as `\u{1b}`-style escapes, for people (the command
//!   line, SSH, the console, `dump`);
//! - `json`: the same characters as `\uXXXX` in JSON, for scripts;
//! - `csv`: cells a spreadsheet cannot run as formulas;
//! - `error`: an error and its causes in words on one line, without "(os error N)".

pub mod chars;
pub mod csv;
pub mod error;
pub mod escape;
pub mod json;

pub use chars::{hidden, is_hidden, Hidden};
pub use error::{error_words, plain_io};
pub use escape::{lines, one_line, Escaping};
