//! Tables: a cursor over `len` rows of which only `height` are drawn. Screens fetch and
//! build only the visible rows, so moving the cursor costs O(visible rows) however long the
//! list is.

use crate::tui::keys::{Cmd, KeyMap, Scope};
use crate::tui::theme::Theme;
use crate::tui::widgets::filter::{FieldSpec, Query, RecordSubject};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Table, TableState};
use ratatui::Frame;
use std::cmp::Ordering;
use std::collections::BTreeSet;
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
/// are marked, with how many of those the filter hides.
pub fn list_title<'a>(
    t: &Theme,
    name: &str,
    filter: &str,
    note: Option<Span<'a>>,
    marked: usize,
    hidden: usize,
) -> Line<'a> {
    let mut spans = vec![Span::styled(format!(" {name} "), t.title)];
    if !filter.is_empty() {
        spans.push(Span::styled(
            format!("/{} ", crate::text::one_line(filter)),
            t.accent,
        ));
    }
    spans.extend(note);
    if marked > 0 && hidden > 0 {
        spans.push(Span::styled(
            format!("{marked} marked, {hidden} hidden by the filter "),
            t.marked,
        ));
    } else if marked > 0 {
        spans.push(Span::styled(format!("{marked} marked "), t.marked));
    }
    Line::from(spans)
}

/// A table cell: its text (spans with their own styles) and a style. Unlike ratatui's,
/// its text stays readable until drawn, so `draw_table` can cut it to its column with an
/// ellipsis (see `ellipsize`) instead of mid-word.
pub struct Cell<'a> {
    line: Line<'a>,
    style: Style,
}

impl<'a, T: Into<Line<'a>>> From<T> for Cell<'a> {
    fn from(text: T) -> Cell<'a> {
        Cell {
            line: text.into(),
            style: Style::default(),
        }
    }
}

impl<'a> Cell<'a> {
    pub fn style(mut self, style: Style) -> Cell<'a> {
        self.style = style;
        self
    }

    /// The cell as ratatui draws it, cut to `width` columns.
    fn fitted(self, width: usize, ascii: bool) -> ratatui::widgets::Cell<'a> {
        let line = if self.line.width() <= width {
            self.line
        } else {
            cut_line(self.line, width, ascii)
        };
        ratatui::widgets::Cell::from(line).style(self.style)
    }
}

/// A table row: cells and a style (marked rows).
pub struct Row<'a> {
    cells: Vec<Cell<'a>>,
    style: Style,
}

impl<'a> Row<'a> {
    pub fn new<C: Into<Cell<'a>>>(cells: impl IntoIterator<Item = C>) -> Row<'a> {
        Row {
            cells: cells.into_iter().map(Into::into).collect(),
            style: Style::default(),
        }
    }

    pub fn style(mut self, style: Style) -> Row<'a> {
        self.style = style;
        self
    }
}

/// A column's name as the configuration and `:sort` write it: its title in lower case,
/// words joined by `-`, without dots and sort arrows (`Product type` → `product-type`,
/// `E.164` → `e164`).
pub fn column_name(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | '_' | '/'))
        .map(|w| {
            w.chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    words.join("-")
}

/// The columns `chosen` names (`[tui.columns]`, a saved view), in that order, out of a
/// screen's `header`, `widths` and `rows`; the untitled mark column stays first. A
/// title shortened for a narrow terminal (`Product` for `product-type`) or carrying the
/// sort arrow still matches. Every list screen passes its table through here, so the
/// choice and the widths (the screen's constraints, which follow the terminal) are one
/// rule.
pub fn pick_columns<'a>(
    chosen: Option<&[String]>,
    header: Vec<impl Into<String>>,
    widths: &[Constraint],
    rows: Vec<Row<'a>>,
) -> (Vec<String>, Vec<Constraint>, Vec<Row<'a>>) {
    let header: Vec<String> = header.into_iter().map(Into::into).collect();
    let Some(chosen) = chosen else {
        return (header, widths.to_vec(), rows);
    };
    let squash = |s: &str| column_name(s).replace('-', "");
    let matches = |title: &str, name: &str| {
        let (t, n) = (squash(title), squash(name));
        !t.is_empty()
            && (n == t || n.starts_with(&t) || (t.starts_with(&n) && t.len() == n.len() + 1))
    };
    let mut keep: Vec<usize> = header
        .iter()
        .position(|t| t.trim().is_empty())
        .into_iter()
        .collect();
    for name in chosen {
        if let Some(i) = header.iter().position(|t| matches(t, name)) {
            if !keep.contains(&i) {
                keep.push(i);
            }
        }
    }
    let pick = |n: usize| keep.iter().copied().filter(move |i| *i < n);
    let header2 = pick(header.len()).map(|i| header[i].clone()).collect();
    let widths2 = pick(widths.len()).map(|i| widths[i]).collect();
    let rows2 = rows
        .into_iter()
        .map(|mut row| {
            let mut cells: Vec<Option<Cell<'a>>> = row.cells.drain(..).map(Some).collect();
            row.cells = pick(cells.len()).filter_map(|i| cells[i].take()).collect();
            row
        })
        .collect();
    (header2, widths2, rows2)
}

/// `line` cut to `width` columns by `ellipsize`, each kept span keeping its style (the
/// kept text is always a prefix of the line's).
fn cut_line(line: Line<'_>, width: usize, ascii: bool) -> Line<'_> {
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let mut keep = ellipsize(&text, width, ascii)
        .chars()
        .count()
        .saturating_sub(1);
    let mut spans = Vec::new();
    let mut last = Style::default();
    for span in line.spans {
        if keep == 0 {
            break;
        }
        last = span.style;
        let n = span.content.chars().count();
        if n <= keep {
            keep -= n;
            spans.push(span);
        } else {
            let part: String = span.content.chars().take(keep).collect();
            keep = 0;
            spans.push(Span::styled(part, span.style));
        }
    }
    spans.push(Span::styled(if ascii { "~" } else { "…" }, last));
    Line::from(spans).style(line.style)
}

fn char_width(c: char) -> usize {
    let mut buf = [0u8; 4];
    Span::raw(&*c.encode_utf8(&mut buf)).width()
}

/// The character ranges of `chars` that are phone numbers (`+12065550123`, `(206)
/// 555-0123`): a cut never falls inside one.
fn number_ranges(chars: &[char]) -> Vec<Range<usize>> {
    let digits = |from: usize, n: usize| {
        chars.len() >= from + n && chars[from..from + n].iter().all(|c| c.is_ascii_digit())
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let national = chars[i] == '('
            && digits(i + 1, 3)
            && chars.get(i + 4) == Some(&')')
            && chars.get(i + 5) == Some(&' ')
            && digits(i + 6, 3)
            && chars.get(i + 9) == Some(&'-')
            && digits(i + 10, 4);
        if national {
            out.push(i..i + 14);
            i += 14;
        } else if chars[i] == '+' && digits(i + 1, 1) {
            let n = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            out.push(i..i + 1 + n);
            i += 1 + n;
        } else {
            i += 1;
        }
    }
    out
}

/// `s` cut to `width` columns, ending in `…` (`~` with ASCII borders) when cut: at the end
/// of a word when that keeps at least half the room, never inside a phone number (a number
/// that does not fit goes whole), and without trailing spaces or commas before the `…`.
pub fn ellipsize(s: &str, width: usize, ascii: bool) -> String {
    let chars: Vec<char> = s.chars().collect();
    let widths: Vec<usize> = chars.iter().map(|c| char_width(*c)).collect();
    if widths.iter().sum::<usize>() <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let room = width - 1;
    let mut cut = 0;
    let mut used = 0;
    while cut < chars.len() && used + widths[cut] <= room {
        used += widths[cut];
        cut += 1;
    }
    let numbers = number_ranges(&chars);
    let inside = |at: usize| numbers.iter().any(|r| r.start < at && at < r.end);
    if let Some(r) = numbers.iter().find(|r| r.start < cut && cut < r.end) {
        cut = r.start;
    }
    // The end of the last whole word that fits.
    let word_end = (1..=cut)
        .rev()
        .find(|&at| (at == chars.len() || chars[at] == ' ') && !inside(at));
    if let Some(at) = word_end.filter(|at| at * 2 >= cut) {
        cut = at;
    }
    let mut kept: String = chars[..cut].iter().collect();
    kept.truncate(kept.trim_end_matches([' ', ',', ';', ':']).len());
    kept.push(if ascii { '~' } else { '…' });
    kept
}

/// Draws the visible rows (already cut to `nav.visible()`) with the cursor's row
/// highlighted and a position note in the title. A cell too long for its column is cut
/// with an ellipsis at a word's end, never inside a phone number (`ellipsize`).
// Every argument is one thing the caller decides; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
pub fn draw_table(
    f: &mut Frame,
    area: Rect,
    theme: &Theme,
    title: Line<'_>,
    header: Vec<impl Into<String>>,
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
    // The columns as the table lays them out, so each cell is cut to its own.
    let inner = block.inner(area);
    let columns: Vec<usize> = Layout::horizontal(widths.iter().copied())
        .flex(Flex::Start)
        .spacing(1)
        .split(Rect::new(0, 0, inner.width, 1))
        .iter()
        .map(|r| r.width as usize)
        .collect();
    let rows: Vec<ratatui::widgets::Row> = rows
        .into_iter()
        .map(|row| {
            let cells = row
                .cells
                .into_iter()
                .enumerate()
                .map(|(i, c)| c.fitted(columns.get(i).copied().unwrap_or(0), theme.ascii));
            ratatui::widgets::Row::new(cells).style(row.style)
        })
        .collect();
    let header = ratatui::widgets::Row::new(
        header
            .into_iter()
            .map(Into::into)
            .map(ratatui::widgets::Cell::from),
    )
    .style(theme.title);
    let table = Table::new(rows, widths.to_vec())
        .header(header)
        .block(block)
        .flex(Flex::Start)
        .column_spacing(1)
        .row_highlight_style(theme.selected);
    let mut state = TableState::default();
    if nav.len > 0 {
        state.select(Some(nav.cursor.saturating_sub(nav.offset)));
    }
    f.render_stateful_widget(table, area, &mut state);
}

/// One row of a list screen, as the shared table sees it: a key that names the record
/// whatever its position, the text `/` matches, and an order for each sortable column.
pub trait Record {
    type Key: Ord + Clone;
    fn key(&self) -> Self::Key;
    /// How the status line names the row: "(206) 555-0123", "order-3".
    fn label(&self) -> String;
    /// The text the `/` filter's free words match against.
    fn haystack(&self) -> String;
    /// The fields the `/` filter matches exactly (`status:assigned`), see `crate::filter`.
    const FIELDS: &'static [FieldSpec] = &[];
    /// The values of one of `FIELDS` (the first is the one Tab completes to).
    fn values(&self, _field: &str) -> Vec<String> {
        Vec::new()
    }
    /// The phone numbers the filter's digits match in place.
    fn numbers(&self) -> Vec<crate::domain::E164> {
        Vec::new()
    }
    /// Orders two rows by the screen's sortable column `column` (an index into the
    /// column names the screen passes to `Rows::sort_key`).
    fn compare(&self, other: &Self, column: usize) -> Ordering;
}

/// The column a list is sorted by, and which way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: usize,
    pub descending: bool,
}

impl Sort {
    /// The sort after the key of `column`: ascending by it, or the order turned round when
    /// the list is already sorted by it.
    pub fn toggled(current: Option<Sort>, column: usize) -> Sort {
        match current {
            Some(s) if s.column == column => Sort {
                column,
                descending: !s.descending,
            },
            _ => Sort {
                column,
                descending: false,
            },
        }
    }
}

/// The sortable column a key press sorts by (Shift and a column's letter, see
/// `sort_letters`), with the letter.
pub fn sort_column(key: &KeyEvent, letters: &[Option<char>]) -> Option<(usize, char)> {
    if key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        return None;
    }
    let KeyCode::Char(c) = key.code else {
        return None;
    };
    letters
        .iter()
        .position(|l| *l == Some(c))
        .map(|column| (column, c))
}

/// The status line's words after a sort by `name` with the key `c`.
pub fn sort_words(name: &str, sort: Option<Sort>, c: char) -> String {
    let way = match sort {
        Some(Sort {
            descending: true, ..
        }) => "descending",
        _ => "ascending",
    };
    format!("Sorted by {name}, {way} ({c} again turns it round).")
}

/// The header titles with the sorted column's title showing the order (▲ ascending, ▼
/// descending; ^ and v with ASCII borders). `names` are the sortable columns; a title
/// shortened for a narrow terminal ("Product" for "Product type") still shows it.
pub fn sorted_header(
    t: &Theme,
    titles: &[&str],
    names: &[&str],
    sort: Option<Sort>,
) -> Vec<String> {
    let sorted = sort.and_then(|s| names.get(s.column).map(|n| (*n, s.descending)));
    titles
        .iter()
        .map(|title| match sorted {
            Some((name, desc)) if !title.is_empty() && name.starts_with(title) => {
                let arrow = match (desc, t.ascii) {
                    (false, false) => "▲",
                    (true, false) => "▼",
                    (false, true) => "^",
                    (true, true) => "v",
                };
                format!("{title}{arrow}")
            }
            _ => title.to_string(),
        })
        .collect()
}

/// A list screen's rows: the records in the screen's order, the ones the filter keeps
/// (sorted as chosen), the cursor and the marks. The cursor and the marks are keys, so
/// they follow their record through refreshes, filters and sorts.
pub struct Rows<T: Record> {
    all: Vec<T>,
    /// Indexes into `all` of the rows shown, in the order shown.
    shown: Vec<usize>,
    pub nav: Nav,
    marks: BTreeSet<T::Key>,
    /// Marks the filter hides (counted when the shown rows change).
    hidden_marks: usize,
    filter: String,
    sort: Option<Sort>,
    /// An action on marks the filter partly hides was asked once: the next ask runs it.
    armed: bool,
}

impl<T: Record> Default for Rows<T> {
    fn default() -> Self {
        Rows {
            all: Vec::new(),
            shown: Vec::new(),
            nav: Nav::default(),
            marks: BTreeSet::new(),
            hidden_marks: 0,
            filter: String::new(),
            sort: None,
            armed: false,
        }
    }
}

/// Where the cursor was, by key, to find it again after the list changed.
struct Anchor<K> {
    key: K,
    label: String,
    /// The rows that followed it and preceded it, nearest first: its neighbours.
    after: Vec<K>,
    before: Vec<K>,
    rows_above: usize,
}

impl<T: Record> Rows<T> {
    /// Replaces the records (a refresh). The cursor stays on its record; when that record
    /// is gone it goes to the neighbour, and the returned sentence says so. Marks of
    /// records that are gone go too.
    pub fn set(&mut self, all: Vec<T>) -> Option<String> {
        let anchor = self.anchor();
        self.all = all;
        let present: BTreeSet<T::Key> = self.all.iter().map(|r| r.key()).collect();
        self.marks.retain(|k| present.contains(k));
        self.reshow();
        let anchor = anchor?;
        if self.place(&anchor) {
            return None;
        }
        let moved = self
            .current()
            .map(|r| format!("; the cursor moved to {}", r.label()))
            .unwrap_or_default();
        let why = if present.contains(&anchor.key) {
            "no longer matches the filter"
        } else {
            "left the list"
        };
        Some(format!("{} {why}{moved}.", anchor.label))
    }

    /// A new `/` filter: the cursor stays on its record if the filter keeps it, else it
    /// goes to the first row.
    pub fn set_filter(&mut self, text: &str) {
        let anchor = self.anchor();
        self.filter = text.to_string();
        self.reshow();
        let kept = anchor.is_some_and(|a| self.find(&a.key).is_some() && self.place(&a));
        if !kept {
            self.nav.top();
        }
    }

    pub fn filter(&self) -> &str {
        &self.filter
    }

    pub fn sort(&self) -> Option<Sort> {
        self.sort
    }

    /// Sorts by `column`, or turns the order round when already sorted by it. The cursor
    /// stays on its record.
    pub fn sort_by(&mut self, column: usize) {
        self.set_sort(Sort::toggled(self.sort, column));
    }

    /// Sorts as `sort` says (`:sort`, a saved view). The cursor stays on its record.
    pub fn set_sort(&mut self, sort: Sort) {
        self.sort = Some(sort);
        let anchor = self.anchor();
        self.reshow();
        if let Some(a) = anchor {
            self.place(&a);
        }
    }

    /// Sorts by the column whose sort key `key` is (Shift and a letter of the column's
    /// name, see `sort_letters`); returns the status line's words, or None when `key`
    /// sorts nothing here.
    pub fn sort_key(
        &mut self,
        key: &KeyEvent,
        letters: &[Option<char>],
        names: &[&str],
    ) -> Option<String> {
        let (column, c) = sort_column(key, letters)?;
        self.sort_by(column);
        Some(sort_words(names[column], self.sort, c))
    }

    /// The values Tab offers for `field` after `field:`: the first value of each record's,
    /// once each.
    pub fn values_of(&self, field: &str) -> Vec<String> {
        let mut seen = std::collections::BTreeSet::new();
        self.all
            .iter()
            .filter_map(|r| r.values(field).into_iter().next())
            .filter(|v| !v.trim().is_empty() && seen.insert(v.to_lowercase()))
            .collect()
    }

    /// `:goto`: puts the cursor on the record `wanted` names (its phone number, or its
    /// label: `order-12`), clearing a filter that hides it; false when no record has it.
    pub fn goto(&mut self, wanted: &str) -> bool {
        let wanted = wanted.trim();
        let number = crate::domain::E164::parse(wanted).ok();
        let Some(key) = self
            .all
            .iter()
            .find(|r| {
                r.label().eq_ignore_ascii_case(wanted)
                    || number.as_ref().is_some_and(|n| r.numbers().contains(n))
            })
            .map(|r| r.key())
        else {
            return false;
        };
        if self.find(&key).is_none() {
            self.filter.clear();
            self.reshow();
        }
        if let Some(i) = self.find(&key) {
            self.nav.cursor = i;
            self.nav.fix();
        }
        true
    }

    /// What `:` completes an argument with here: each record as `y` copies it.
    pub fn names(&self) -> Vec<String> {
        self.all.iter().map(copied).collect()
    }

    /// Every record, in the screen's order (filtered or not).
    pub fn all(&self) -> &[T] {
        &self.all
    }

    pub fn len(&self) -> usize {
        self.shown.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shown.is_empty()
    }

    /// The record under the cursor.
    /// What `y` copies of the row under the cursor: its phone number in E.164 when the
    /// row is one number, else how the status line names it (an id).
    pub fn copy_text(&self) -> Option<String> {
        self.current().map(copied)
    }

    pub fn current(&self) -> Option<&T> {
        self.shown.get(self.nav.cursor).map(|i| &self.all[*i])
    }

    /// The rows on screen, each with whether it is marked.
    pub fn visible(&self) -> impl Iterator<Item = (&T, bool)> {
        self.shown[self.nav.visible()]
            .iter()
            .map(|i| &self.all[*i])
            .map(|r| (r, self.marks.contains(&r.key())))
    }

    pub fn is_marked(&self, key: &T::Key) -> bool {
        self.marks.contains(key)
    }

    pub fn marks(&self) -> &BTreeSet<T::Key> {
        &self.marks
    }

    /// Marked rows the filter hides: an action on the marks touches them too.
    pub fn hidden_marks(&self) -> usize {
        self.hidden_marks
    }

    pub fn clear_marks(&mut self) {
        self.marks.clear();
        self.hidden_marks = 0;
        self.armed = false;
    }

    /// Before an action on marks that the filter partly hides: the first ask says how
    /// many rows it will touch and returns the words; the same key again runs it (None).
    pub fn ask_before_hidden(&mut self, verb: &str, again: &str) -> Option<String> {
        if self.marks.is_empty() || self.hidden_marks == 0 || std::mem::take(&mut self.armed) {
            return None;
        }
        self.armed = true;
        Some(format!(
            "{verb} {}, {} of them hidden by the filter? Press {again} again to go ahead.",
            crate::domain::counted(self.marks.len() as u64, "marked row"),
            self.hidden_marks
        ))
    }

    /// Space: marks or unmarks the row under the cursor and moves down.
    pub fn toggle_mark(&mut self) {
        self.armed = false;
        if let Some(k) = self.current().map(|r| r.key()) {
            if !self.marks.remove(&k) {
                self.marks.insert(k);
            }
            self.nav.down(1);
        }
    }

    /// `*`: marks every row shown, or unmarks them all when they all are. Returns the
    /// status line's words.
    pub fn mark_all(&mut self) -> String {
        let keys: Vec<T::Key> = self.shown.iter().map(|i| self.all[*i].key()).collect();
        if !keys.is_empty() && keys.iter().all(|k| self.marks.contains(k)) {
            self.clear_marks();
            "Unmarked all rows.".into()
        } else {
            let n = keys.len();
            self.marks.extend(keys);
            format!("Marked {}.", crate::domain::counted(n as u64, "row"))
        }
    }

    /// What an action applies to: the marked records (hidden ones too), or the one under
    /// the cursor.
    pub fn targets(&self) -> Vec<T::Key> {
        if self.marks.is_empty() {
            self.current().map(|r| r.key()).into_iter().collect()
        } else {
            self.marks.iter().cloned().collect()
        }
    }

    /// The records of `targets()` (marks in the list's order).
    pub fn target_records(&self) -> Vec<&T> {
        if self.marks.is_empty() {
            self.current().into_iter().collect()
        } else {
            self.all
                .iter()
                .filter(|r| self.marks.contains(&r.key()))
                .collect()
        }
    }

    /// A navigation command; true when it was one.
    pub fn apply(&mut self, cmd: Cmd) -> bool {
        self.nav.apply(cmd)
    }

    /// Keeps the cursor in range for an area of `height` rows (call before drawing).
    pub fn set_height(&mut self, height: usize) {
        self.nav.set_height(height);
        self.nav.set_len(self.shown.len());
    }

    /// The title: name, filter, sort, and the marks with how many the filter hides.
    pub fn title<'a>(&self, t: &Theme, name: &str, note: Option<Span<'a>>) -> Line<'a> {
        list_title(
            t,
            name,
            &self.filter,
            note,
            self.marks.len(),
            self.hidden_marks,
        )
    }

    /// The header with the sorted column's title showing the order (see `sorted_header`).
    pub fn header(&self, t: &Theme, titles: &[&str], names: &[&str]) -> Vec<String> {
        sorted_header(t, titles, names, self.sort)
    }

    fn anchor(&self) -> Option<Anchor<T::Key>> {
        let r = self.current()?;
        let c = self.nav.cursor;
        let key_at = |i: &usize| self.all[self.shown[*i]].key();
        Some(Anchor {
            key: r.key(),
            label: r.label(),
            after: (c + 1..self.shown.len())
                .take(8)
                .map(|i| key_at(&i))
                .collect(),
            before: (0..c).rev().take(8).map(|i| key_at(&i)).collect(),
            rows_above: c.saturating_sub(self.nav.offset),
        })
    }

    fn find(&self, key: &T::Key) -> Option<usize> {
        self.shown.iter().position(|i| self.all[*i].key() == *key)
    }

    /// Puts the cursor on the anchor's record, or its nearest neighbour still shown
    /// (after it first); true when it is the record itself.
    fn place(&mut self, a: &Anchor<T::Key>) -> bool {
        let exact = self.find(&a.key);
        let at = exact
            .or_else(|| a.after.iter().find_map(|k| self.find(k)))
            .or_else(|| a.before.iter().find_map(|k| self.find(k)));
        if let Some(i) = at {
            self.nav.cursor = i;
            self.nav.offset = i.saturating_sub(a.rows_above);
        }
        self.nav.set_len(self.shown.len());
        exact.is_some()
    }

    /// Recomputes the shown rows from the filter and the sort, and the hidden marks.
    fn reshow(&mut self) {
        self.armed = false;
        let mut query = Query::parse(&self.filter, T::FIELDS);
        let filtering = !query.is_empty();
        self.shown = (0..self.all.len())
            .filter(|i| !filtering || query.matches(&RecordSubject(&self.all[*i])))
            .collect();
        if let Some(s) = self.sort {
            let all = &self.all;
            // Stable: rows equal in the column keep the screen's order.
            self.shown.sort_by(|a, b| {
                let o = all[*a].compare(&all[*b], s.column);
                if s.descending {
                    o.reverse()
                } else {
                    o
                }
            });
        }
        self.hidden_marks = if filtering && !self.marks.is_empty() {
            let shown: BTreeSet<T::Key> = self.shown.iter().map(|i| self.all[*i].key()).collect();
            self.marks.iter().filter(|k| !shown.contains(k)).count()
        } else {
            0
        };
        self.nav.set_len(self.shown.len());
    }
}

/// A record as `y` copies it and `:` names it: its phone number in E.164 when the row is
/// one number, else its label (an id).
fn copied<T: Record>(r: &T) -> String {
    match r.numbers().as_slice() {
        [one] => one.to_string(),
        _ => r.label(),
    }
}

/// The sort key of each sortable column: Shift and the first letter of its name that no
/// command of the screen uses (its own keys, navigation and global keys, remaps
/// included) and no earlier column took. `None` when every letter is taken.
pub fn sort_letters(names: &[&str], keys: &KeyMap, scope: Scope) -> Vec<Option<char>> {
    let mut taken: Vec<char> = Vec::new();
    names
        .iter()
        .map(|name| {
            let free = name
                .chars()
                .filter(|c| c.is_ascii_alphabetic())
                .map(|c| c.to_ascii_uppercase())
                .find(|c| {
                    let ev = KeyEvent::new(KeyCode::Char(*c), KeyModifiers::SHIFT);
                    !taken.contains(c) && keys.lookup(scope, &ev).is_none()
                });
            if let Some(c) = free {
                taken.push(c);
            }
            free
        })
        .collect()
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

#[cfg(test)]
mod rows_tests {
    use super::*;

    /// A row: a key and a name, sortable by name (column 1) or key (column 0).
    #[derive(Debug, Clone)]
    struct Item(u32, &'static str);

    impl Record for Item {
        type Key = u32;
        fn key(&self) -> u32 {
            self.0
        }
        fn label(&self) -> String {
            format!("item {}", self.0)
        }
        fn haystack(&self) -> String {
            self.1.to_string()
        }
        fn compare(&self, other: &Self, column: usize) -> Ordering {
            match column {
                1 => self.1.cmp(other.1),
                _ => self.0.cmp(&other.0),
            }
        }
    }

    fn items(keys: &[u32]) -> Vec<Item> {
        let names = ["ana", "bo", "cy", "di", "ed", "flo", "gus", "hal"];
        keys.iter()
            .map(|k| Item(*k, names[*k as usize % 8]))
            .collect()
    }

    fn rows(keys: &[u32]) -> Rows<Item> {
        let mut r = Rows::default();
        r.set_height(5);
        r.set(items(keys));
        r
    }

    fn at(r: &Rows<Item>) -> Option<u32> {
        r.current().map(|i| i.0)
    }

    #[test]
    fn the_cursor_follows_its_record_when_rows_come_before_it() {
        let mut r = rows(&[3, 4, 5, 6]);
        r.apply(Cmd::Down);
        r.apply(Cmd::Down);
        assert_eq!(at(&r), Some(5));
        assert_eq!(r.set(items(&[0, 1, 2, 3, 4, 5, 6])), None);
        assert_eq!(at(&r), Some(5));
        assert_eq!(r.nav.cursor, 5);
    }

    #[test]
    fn when_its_record_goes_the_cursor_takes_the_next_one_and_says_so() {
        let mut r = rows(&[1, 2, 3, 4]);
        r.apply(Cmd::Down);
        let note = r.set(items(&[1, 3, 4])).expect("a note");
        assert_eq!(at(&r), Some(3));
        assert_eq!(note, "item 2 left the list; the cursor moved to item 3.");
        // The last row gone: the one before it.
        r.apply(Cmd::Bottom);
        r.set(items(&[1, 3]));
        assert_eq!(at(&r), Some(3));
        assert!(r.set(Vec::new()).is_some());
        assert_eq!(at(&r), None);
    }

    #[test]
    fn marks_follow_keys_and_hidden_ones_are_counted() {
        let mut r = rows(&[0, 1, 2, 3]);
        r.toggle_mark();
        r.toggle_mark();
        r.toggle_mark();
        assert_eq!(r.marks().len(), 3);
        r.set_filter("bo");
        assert_eq!(r.len(), 1);
        assert_eq!(r.hidden_marks(), 2);
        assert_eq!(
            r.targets(),
            vec![0, 1, 2],
            "an action takes the hidden marks too"
        );
        let title: String = r
            .title(&Theme::new(true, false), "List", None)
            .spans
            .iter()
            .map(|s| s.content.to_string())
            .collect();
        assert!(
            title.contains("3 marked, 2 hidden by the filter"),
            "{title}"
        );
        // A refresh without a marked record drops its mark.
        r.set(items(&[1, 2, 3]));
        assert_eq!(r.marks().len(), 2);
        assert_eq!(r.hidden_marks(), 1);
    }

    #[test]
    fn a_filter_keeps_the_cursor_on_its_record_when_it_matches() {
        let mut r = rows(&[0, 1, 2, 3, 9]);
        r.apply(Cmd::Down);
        assert_eq!(at(&r), Some(1));
        r.set_filter("b");
        assert_eq!(at(&r), Some(1));
        r.set_filter("");
        assert_eq!(at(&r), Some(1));
        r.set_filter("cy");
        assert_eq!(at(&r), Some(2), "not matching: the first match");
    }

    #[test]
    fn sorting_by_a_column_toggles_its_order_and_keeps_the_cursor() {
        let mut r = rows(&[7, 0, 3, 1]);
        r.apply(Cmd::Down);
        assert_eq!(at(&r), Some(0));
        r.sort_by(0);
        let order: Vec<u32> = r.visible().map(|(i, _)| i.0).collect();
        assert_eq!(order, vec![0, 1, 3, 7]);
        assert_eq!(at(&r), Some(0));
        r.sort_by(0);
        let order: Vec<u32> = r.visible().map(|(i, _)| i.0).collect();
        assert_eq!(order, vec![7, 3, 1, 0]);
        assert_eq!(at(&r), Some(0));
        assert_eq!(
            r.header(
                &Theme::new(true, false),
                &["", "Key", "Name"],
                &["Key", "Name"]
            ),
            vec!["", "Key▼", "Name"]
        );
        // A refresh keeps the sort.
        r.set(items(&[2, 7, 0, 3, 1]));
        let order: Vec<u32> = r.visible().map(|(i, _)| i.0).collect();
        assert_eq!(order, vec![7, 3, 2, 1, 0]);
    }

    #[test]
    fn sort_letters_skip_the_keys_a_screen_uses() {
        let keys = KeyMap::defaults();
        // G is the last row and N the default calling name on the Inventory.
        let letters = sort_letters(&["Group", "Number", "Name"], &keys, Scope::Inventory);
        assert_eq!(letters, vec![Some('R'), Some('U'), Some('A')]);
        let ev = KeyEvent::new(KeyCode::Char('R'), KeyModifiers::SHIFT);
        let mut r = rows(&[2, 1]);
        let said = r.sort_key(&ev, &letters, &["Group", "Number", "Name"]);
        assert_eq!(
            said.as_deref(),
            Some("Sorted by Group, ascending (R again turns it round).")
        );
    }
}

#[cfg(test)]
mod ellipsis_tests {
    use super::*;

    #[test]
    fn text_is_cut_at_a_words_end_with_an_ellipsis() {
        assert_eq!(ellipsize("Front Desk", 10, false), "Front Desk");
        assert_eq!(
            ellipsize("Front Desk (in 1 m 30 s)", 18, false),
            "Front Desk (in 1…"
        );
        assert_eq!(
            ellipsize("Front Desk (in 1 m 30 s)", 15, false),
            "Front Desk (in…"
        );
        assert_eq!(
            ellipsize("Front Desk (in 1 m 30 s)", 13, false),
            "Front Desk…"
        );
        // A word longer than half the room is cut inside, still with the ellipsis.
        assert_eq!(ellipsize("Supercalifragilistic", 8, true), "Superca~");
        assert_eq!(ellipsize("abc", 0, false), "");
    }

    #[test]
    fn a_phone_number_is_never_cut() {
        let s = "assign (206) 555-0123 to Ana";
        assert_eq!(ellipsize(s, 16, false), "assign…");
        assert_eq!(ellipsize(s, 22, false), "assign (206) 555-0123…");
        assert_eq!(
            ellipsize("+12065550123, +12065550124", 20, false),
            "+12065550123…"
        );
        assert_eq!(ellipsize("+12065550123", 8, false), "…");
    }

    #[test]
    fn cut_cells_keep_their_styles() {
        let t = Theme::new(true, false);
        let line = Line::from(vec![
            Span::styled("Acme Sales", t.accent),
            Span::raw(" (in 71 h)"),
        ]);
        let cut = cut_line(line, 13, false);
        let text: String = cut.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, "Acme Sales…");
        assert_eq!(cut.spans[0].style, t.accent);
    }
}
