//! The rules of phone number management as pure code: types, validation and the state
//! machine. No I/O and no clock reads here: `now` is always an argument, the store is
//! reached through the `View` trait and the carrier through `Desk`.

mod action;
mod calling_name;
mod carrier;
mod directory;
mod error;
mod history;
pub mod hold;
pub mod invariants;
mod job;
mod notice;
mod number;
mod order;
mod phone;
mod policy;
mod product;
pub mod rules;
mod search;
mod support;
mod time;
mod view;
mod words;

pub use action::*;
pub use calling_name::*;
pub use carrier::*;
pub use directory::*;
pub use error::*;
pub use history::*;
pub use hold::{Hold, HoldChange, SessionId};
pub use job::*;
pub use notice::*;
pub use number::*;
pub use order::*;
pub use phone::*;
pub use policy::*;
pub use product::*;
pub use rules::{
    checked_lines, checked_text, decide, shown_as_typed, Decision, Outcome, ISSUE_MAX,
    SIP_DIRECTORY_MATCHES, TEXT_MAX,
};
pub use search::*;
pub use support::*;
pub use time::*;
pub use view::*;
pub use words::counted;
