//! Tables: a cursor over `len` rows of which only `height` are drawn. Screens fetch and
//! build only the visible rows, so moving the cursor costs O(visible rows) however long the
//! list is.

use crate::tui::theme::Theme;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Row, Table, TableState};
use ratatui::Frame;
use std::ops::Range;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Nav {
    pub len: usize,
    pub cursor: usize,
    pub offset: usize,
    pub height: usize,
}

impl Nav {
    pub fn set_len(&mut self, len: usize) {
        self.len = len;
        self.fix();
    }

    pub fn set_height(&mut self, height: usize) {
        self.height = height.max(1);
        self.fix();
    }

    /// Keeps the cursor in the list and on screen.
    fn fix(&mut self) {
        let h = self.height.max(1);
        self.cursor = self.cursor.min(self.len.saturating_sub(1));
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + h {
            self.offset = self.cursor + 1 - h;
        }
        self.offset = self.offset.min(self.len.saturating_sub(h));
    }

    pub fn up(&mut self, n: usize) {
        self.cursor = self.cursor.saturating_sub(n);
        self.fix();
    }

    pub fn down(&mut self, n: usize) {
        self.cursor = (self.cursor + n).min(self.len.saturating_sub(1));
        self.fix();
    }

    pub fn top(&mut self) {
        self.cursor = 0;
        self.fix();
    }

    pub fn bottom(&mut self) {
        self.cursor = self.len.saturating_sub(1);
        self.fix();
    }

    pub fn page(&self) -> usize {
        self.height.saturating_sub(1).max(1)
    }

    pub fn visible(&self) -> Range<usize> {
        self.offset..(self.offset + self.height.max(1)).min(self.len)
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Applies a navigation command; true when it was one.
    pub fn apply(&mut self, cmd: crate::tui::keys::Cmd) -> bool {
        use crate::tui::keys::Cmd;
        match cmd {
            Cmd::Up => self.up(1),
            Cmd::Down => self.down(1),
            Cmd::Top => self.top(),
            Cmd::Bottom => self.bottom(),
            Cmd::PageUp => self.up(self.page()),
            Cmd::PageDown => self.down(self.page()),
            _ => return false,
        }
        true
    }
}

/// Rows inside a table area: the area less its border and header line.
pub fn body_height(area: Rect) -> usize {
    area.height.saturating_sub(3) as usize
}

/// A list's title: its name, the filter being applied, an optional note, and how many rows
/// are marked.
pub fn list_title<'a>(
    t: &Theme,
    name: &str,
    filter: &str,
    note: Option<Span<'a>>,
    marked: usize,
) -> Line<'a> {
    let mut spans = vec![Span::styled(format!(" {name} "), t.title)];
    if !filter.is_empty() {
        spans.push(Span::styled(
            format!("/{} ", crate::text::one_line(filter)),
            t.accent,
        ));
    }
    spans.extend(note);
    if marked > 0 {
        spans.push(Span::styled(format!("{marked} marked "), t.marked));
    }
    Line::from(spans)
}

/// Draws the visible rows (already cut to `nav.visible()`) with the cursor's row
/// highlighted and a position note in the title.
// Every argument is one thing the caller decides; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
pub fn draw_table(
    f: &mut Frame,
    area: Rect,
    theme: &Theme,
    title: Line<'_>,
    header: Vec<&str>,
    widths: &[Constraint],
    rows: Vec<Row<'_>>,
    nav: &Nav,
    empty: &str,
) {
    let pos = if nav.len == 0 {
        String::new()
    } else {
        format!(" {}/{} ", nav.cursor + 1, nav.len)
    };
    let block = super::block(theme, title).title_bottom(Line::from(pos).right_aligned());
    if rows.is_empty() {
        let p = ratatui::widgets::Paragraph::new(Line::from(empty.to_string()).style(theme.dim))
            .block(block);
        f.render_widget(p, area);
        return;
    }
    let header = Row::new(header).style(theme.title);
    let table = Table::new(rows, widths.to_vec())
        .header(header)
        .block(block)
        .column_spacing(1)
        .row_highlight_style(theme.selected);
    let mut state = TableState::default();
    if nav.len > 0 {
        state.select(Some(nav.cursor.saturating_sub(nav.offset)));
    }
    f.render_stateful_widget(table, area, &mut state);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_stays_on_screen() {
        let mut n = Nav::default();
        n.set_height(5);
        n.set_len(100);
        n.down(7);
        assert_eq!((n.cursor, n.offset), (7, 3));
        n.apply(crate::tui::keys::Cmd::Bottom);
        assert_eq!((n.cursor, n.offset), (99, 95));
        assert_eq!(n.visible(), 95..100);
        n.set_len(10);
        assert_eq!((n.cursor, n.offset), (9, 5));
        n.set_len(0);
        assert_eq!((n.cursor, n.offset), (0, 0));
        assert_eq!(n.visible(), 0..0);
    }
}
