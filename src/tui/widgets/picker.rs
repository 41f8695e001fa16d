//! Pick lists for wizard steps: account, user, assignment type, connector, product type.

use super::{block, centered, fit, DialogEvent};
use crate::text::one_line;
use crate::tui::theme::Theme;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, List, ListItem, ListState, Paragraph};
use ratatui::Frame;

pub struct Picker {
    pub title: String,
    pub prompt: String,
    pub items: Vec<String>,
    pub selected: usize,
    pub empty: String,
}

impl Picker {
    pub fn new(title: impl Into<String>, prompt: impl Into<String>, items: Vec<String>) -> Picker {
        Picker {
            title: title.into(),
            prompt: prompt.into(),
            items,
            selected: 0,
            empty: "Nothing to choose from.".into(),
        }
    }

    pub fn empty(mut self, text: impl Into<String>) -> Picker {
        self.empty = text.into();
        self
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> DialogEvent {
        let n = self.items.len();
        match key.code {
            KeyCode::Esc => return DialogEvent::Cancel,
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => {
                self.selected = (self.selected + 1).min(n.saturating_sub(1))
            }
            KeyCode::Home | KeyCode::Char('g') => self.selected = 0,
            KeyCode::End | KeyCode::Char('G') => self.selected = n.saturating_sub(1),
            KeyCode::Enter if n > 0 => return DialogEvent::Picked(self.selected),
            _ => {}
        }
        DialogEvent::Open
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let h = (self.items.len() as u16).clamp(1, 12) + 5;
        let rect = centered(area, 60, h);
        f.render_widget(Clear, rect);
        let outer = block(theme, format!(" {} ", self.title))
            .title_bottom(Line::from(" Enter choose  Esc cancel ").style(theme.dim));
        let inner = outer.inner(rect);
        f.render_widget(outer, rect);
        if inner.height < 2 {
            return;
        }
        let prompt = Rect { height: 1, ..inner };
        f.render_widget(
            Paragraph::new(Line::from(self.prompt.clone()).style(theme.dim)),
            prompt,
        );
        let list_area = Rect {
            y: inner.y + 2,
            height: inner.height.saturating_sub(2),
            ..inner
        };
        if self.items.is_empty() {
            f.render_widget(
                Paragraph::new(self.empty.clone()).style(theme.warn),
                list_area,
            );
            return;
        }
        let w = list_area.width.saturating_sub(2) as usize;
        let items: Vec<ListItem> = self
            .items
            .iter()
            .map(|s| ListItem::new(fit(&one_line(s), w, theme.ascii)))
            .collect();
        let mut state = ListState::default().with_selected(Some(self.selected));
        let list = List::new(items)
            .highlight_style(theme.selected)
            .highlight_symbol("> ");
        f.render_stateful_widget(list, list_area, &mut state);
    }
}
