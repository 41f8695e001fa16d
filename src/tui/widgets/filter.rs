//! The `/` filter on a list: the rows of a `table::Record` seen as a `crate::filter::Subject`
//! (the filter's language and matching live in `crate::filter`, for every front end).

pub use crate::filter::{complete, Completion, FieldSpec, Query, Subject};
use crate::tui::widgets::table::Record;

/// A list row as the filter reads it: its haystack as text, its fields and numbers.
pub struct RecordSubject<'a, T: Record>(pub &'a T);

impl<T: Record> Subject for RecordSubject<'_, T> {
    fn text(&self) -> String {
        self.0.haystack()
    }
    fn values(&self, field: &str) -> Vec<String> {
        self.0.values(field)
    }
    fn numbers(&self) -> Vec<crate::domain::E164> {
        self.0.numbers()
    }
}
